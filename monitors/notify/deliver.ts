import type { Env } from "../config/secrets";
import type { Deliver } from "./outbox-worker";
import { DeliveryError } from "./delivery-error";
import { sendToChannel, sendToSubscriber } from "./send-to-channel";
import { emailFrom, smtpTransportFromEnv } from "./email";

/** The agent's real sender: chat and webhook channels over HTTP, email over SMTP_URL. */
export function channelDeliverer(env: Env = process.env, timeoutMs = 10_000): Deliver {
  const deps = { smtp: smtpTransportFromEnv(env), from: emailFrom(env), timeoutMs };
  return async (d) => {
    if (d.channel) {
      if (!d.channel.enabled) throw new DeliveryError("the channel is disabled", { permanent: true });
      return sendToChannel(d.channel, d.event, deps);
    }
    if (d.subscriber) {
      if (!d.subscriber.confirmedAt) throw new DeliveryError("the subscriber has not confirmed", { permanent: true });
      return sendToSubscriber(d.subscriber.email, d.event, deps);
    }
    throw new DeliveryError("the channel or subscriber no longer exists", { permanent: true });
  };
}
