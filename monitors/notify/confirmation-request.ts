/**
 * The double opt-in mail as an outbox payload. The web process queues it in the transaction that
 * stores the sign-up and the agent's outbox worker sends it, like every other notification: the
 * subscribe answer no longer waits for SMTP, so its timing does not tell a new address from one
 * already subscribed, and a failed send is retried instead of lost.
 */
export const CONFIRMATION_KIND = "subscription.confirm";

export interface ConfirmationRequest {
  kind: typeof CONFIRMATION_KIND;
  site: { name: string };
  confirmUrl: string;
}

export function isConfirmationRequest(payload: unknown): payload is ConfirmationRequest {
  return typeof payload === "object" && payload !== null && (payload as { kind?: unknown }).kind === CONFIRMATION_KIND;
}
