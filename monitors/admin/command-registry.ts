import type { AdminCommand } from "./admin-command";
import { acknowledge, createIncident, postIncidentUpdate, setIncidentImpact, writePostmortem } from "./incident-commands";
import { endMaintenance, extendMaintenance, scheduleMaintenance } from "./maintenance-commands";
import { createChannel, deleteChannel, retryDelivery, setChannelEnabled } from "./channel-commands";
import { createUser, setUserDisabled, setUserRole } from "./user-commands";

/** Every write of the maintainers' area, by the name the forms post to (/admin/api/<name>). */
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
} as Record<string, AdminCommand>;

export function adminCommand(name: string): AdminCommand | null {
  return Object.hasOwn(ADMIN_COMMANDS, name) ? ADMIN_COMMANDS[name] : null;
}
