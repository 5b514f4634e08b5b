import { withBusyRetry } from "../../../monitors/store/busy-retry";
import { sharedDb } from "../../../monitors/queries/shared-db";
import { requestSubscription } from "../../../monitors/subscribers/subscriptions";
import { confirmationEmail } from "../../../monitors/subscribers/confirmation-email";
import { csrfProblem, clientIp } from "../../../monitors/admin/request-guard";
import { emailFrom, sendEmail, smtpTransportFromEnv } from "../../../monitors/notify/email";
import { siteInfo } from "../../../monitors/notify/site";
import { publicBaseUrl } from "../../../monitors/queries/public-url";


export const dynamic = "force-dynamic";

function json(status: number, body: unknown) {
  return Response.json(body, { status, headers: { "cache-control": "no-store" } });
}

export async function POST(req: Request) {
  const csrf = csrfProblem(req.headers, process.env.PUBLIC_URL);
  if (csrf) return json(403, { error: `refused: ${csrf}` });
  const smtp = smtpTransportFromEnv(process.env);
  if (!smtp) return json(503, { error: "email subscriptions are not enabled on this status page" });
  let body: unknown;
  try {
    body = JSON.parse((await req.text()).slice(0, 64 * 1024));
  } catch {
    return json(400, { errors: { form: "the body must be JSON" } });
  }
  const db = await sharedDb();
  const r = await withBusyRetry(() => requestSubscription(db, body, clientIp(req.headers), publicBaseUrl(req.headers)));
  if (!r.ok) return json(400, { errors: { [r.field]: r.error } });
  if (r.confirmUrl) {
    try {
      await sendEmail(smtp, confirmationEmail(siteInfo(), r.email, emailFrom(), r.confirmUrl));
    } catch (e) {
      console.error(`subscribe: the confirmation mail could not be sent: ${(e as Error).message}`);
      return json(502, { errors: { form: "the confirmation email could not be sent; try again later" } });
    }
  }
  return json(200, { ok: true, message: "Check your inbox: follow the link in the email to confirm." });
}
