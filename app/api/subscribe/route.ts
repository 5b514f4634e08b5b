import { withBusyRetry } from "@/monitors/store/busy-retry";
import { sharedDb } from "@/monitors/queries/shared-db";
import { requestSubscription } from "@/monitors/subscribers/subscriptions";
import { csrfProblem, clientIp } from "@/monitors/admin/request-guard";
import { smtpTransportFromEnv } from "@/monitors/notify/email";
import { publicBaseUrl } from "@/monitors/presentation/public-url";
import { readBodyText, tooLargeResponse, TOO_LARGE } from "@/monitors/api/request-body";
import { answerWhenBusy } from "@/monitors/api/busy-answer";
import { negotiateLocale } from "@/monitors/i18n/negotiate";
import { siteLocale } from "@/monitors/i18n/locales";
import { translator } from "@/monitors/i18n/translator";

export const dynamic = "force-dynamic";

/** An email and a list of slugs fit in far less; anything larger is not a sign-up. */
const MAX_BODY_BYTES = 64 * 1024;

function json(status: number, body: unknown) {
  return Response.json(body, { status, headers: { "cache-control": "no-store" } });
}

export async function POST(req: Request) {
  const csrf = csrfProblem(req.headers, process.env.PUBLIC_URL);
  if (csrf) return json(403, { error: `refused: ${csrf}` });
  if (!smtpTransportFromEnv(process.env)) return json(503, { error: "email subscriptions are not enabled on this status page" });
  const text = await readBodyText(req, MAX_BODY_BYTES);
  if (text === TOO_LARGE) return tooLargeResponse(MAX_BODY_BYTES);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return json(400, { errors: { form: "the body must be JSON" } });
  }
  return answerWhenBusy(async () => {
    const db = await sharedDb();
    // The confirmation link is built from PUBLIC_URL or an allowed host only, never from a forged Host.
    // Their mails are in the language they read the site in: the switcher's cookie or Accept-Language.
    const locale = negotiateLocale(
      { cookie: req.headers.get("cookie") ?? undefined, "accept-language": req.headers.get("accept-language") ?? undefined },
      siteLocale(),
    );
    const r = await withBusyRetry(() =>
      requestSubscription(db, body, clientIp(req.headers), publicBaseUrl(req.headers), new Date(), process.env, locale),
    );
    // The form shows these texts as they come, so they are in the reader's language too.
    const tr = translator(locale);
    if (!r.ok) return json(400, { errors: { [r.field]: tr.t(`subscribe.error.${r.code}`, { slugs: r.slugs ?? "" }) } });
    // The mail itself is queued in the outbox and sent by the agent, so this answer takes the same
    // time whether or not the address was already subscribed.
    return json(200, { ok: true, message: tr.t("subscribe.checkInbox") });
  });
}
