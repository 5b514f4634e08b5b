import type { Env } from "../config/secrets";
import type { Deliver } from "./outbox-worker";
import { DeliveryError } from "./delivery-error";
import { sendToChannel, sendToSubscriber } from "./send-to-channel";
import { emailFrom, sendEmail, smtpTransportFromEnv } from "./email";
import { isConfirmationRequest } from "./confirmation-request";
import { confirmationEmail } from "./confirmation-email";
import { isLocale, siteLocale } from "../i18n/locales";

/** The agent's real sender: chat and webhook channels over HTTP, email over SMTP_URL. */
export function channelDeliverer(env: Env = process.env, timeoutMs = 10_000): Deliver {
  // Mails go out in the subscriber's language, else the site's (an invalid SITE_LOCALE stops here, naming it).
  const deps = { smtp: smtpTransportFromEnv(env), from: emailFrom(env), timeoutMs, locale: siteLocale(env) };
  return async (d) => {
    if (d.channel) {
      if (!d.channel.enabled) throw new DeliveryError("the channel is disabled", { permanent: true });
      return sendToChannel(d.channel, d.event, deps);
    }
    if (d.subscriber) {
      const locale = isLocale(d.subscriber.locale) ? d.subscriber.locale : deps.locale;
      // The double opt-in mail goes to an address that has not confirmed yet, by definition.
      if (isConfirmationRequest(d.event)) {
        if (!deps.smtp) throw new DeliveryError("SMTP_URL is not set", { permanent: true });
        await sendEmail(deps.smtp, confirmationEmail(d.event.site, d.subscriber.email, deps.from, d.event.confirmUrl, locale));
        return;
      }
      if (!d.subscriber.confirmedAt) throw new DeliveryError("the subscriber has not confirmed", { permanent: true });
      return sendToSubscriber(d.subscriber.email, d.event, deps, locale);
    }
    throw new DeliveryError("the channel or subscriber no longer exists", { permanent: true });
  };
}
