/** The `incidents:` section of the monitor config, in milliseconds. */
export interface IncidentPolicy {
  groupWindowMs: number;
  onRecovery: "resolve" | "monitoring";
  /** 0 turns reminders off. */
  remindEveryMs: number;
}

export const DEFAULT_INCIDENT_POLICY: IncidentPolicy = { groupWindowMs: 300_000, onRecovery: "resolve", remindEveryMs: 1_800_000 };
