import type { AdminCommand } from "./admin-command";
import { acknowledge, createIncident, postIncidentUpdate, setIncidentImpact, writePostmortem } from "./incident-commands";
import { endMaintenance, extendMaintenance, scheduleMaintenance } from "./maintenance-commands";
import { createChannel, deleteChannel, retryDelivery, setChannelEnabled } from "./channel-commands";
import { createUser, setUserDisabled, setUserRole } from "./user-commands";
import { linkGithub } from "./github-link-commands";
import { createApiToken, revokeApiToken } from "./token-commands";
import { silenceMonitor, unsilenceMonitor } from "./silence-commands";
import { beginTwoFactor, confirmTwoFactor, disableTwoFactor } from "./two-factor-commands";

/**
 * Every write of the maintainers' area, by the name the forms post to (/admin/api/<name>). The
 * command line (monitors/cli/admin.ts) and the management API (monitors/management-api/routes.ts)
 * run these same commands by name.
 */
export const ADMIN_COMMANDS: Record<string, AdminCommand> = {
  "incident.create": createIncident,
  "incident.update": postIncidentUpdate,
  "incident.acknowledge": acknowledge,
  "incident.impact": setIncidentImpact,
  "incident.postmortem": writePostmortem,
  "maintenance.create": scheduleMaintenance,
  "maintenance.end": endMaintenance,
  "maintenance.extend": extendMaintenance,
  "channel.create": createChannel,
  "channel.enable": setChannelEnabled,
  "channel.delete": deleteChannel,
  "outbox.retry": retryDelivery,
  "user.create": createUser,
  "user.role": setUserRole,
  "user.disable": setUserDisabled,
  "user.github": linkGithub,
  "token.create": createApiToken,
  "token.revoke": revokeApiToken,
  "monitor.silence": silenceMonitor,
  "monitor.unsilence": unsilenceMonitor,
  "account.2fa.begin": beginTwoFactor,
  "account.2fa.confirm": confirmTwoFactor,
  "account.2fa.disable": disableTwoFactor,
} as Record<string, AdminCommand>;

export function adminCommand(name: string): AdminCommand | null {
  return Object.hasOwn(ADMIN_COMMANDS, name) ? ADMIN_COMMANDS[name] : null;
}
