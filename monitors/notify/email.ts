import { truncate } from "./truncate";
import nodemailer, { type NodemailerError, type SMTPTransportOptions, type Transporter } from "nodemailer";
import { DeliveryError } from "./delivery-error";
import { markdownToText, renderMarkdown } from "../presentation/markdown";
import type { NotificationEvent } from "./notification-event";
import { translator, type Translator } from "../i18n/translator";
import { localizedHeadline, storedWord } from "./localized-headline";
import { BASE_LOCALE, type Locale } from "../i18n/locales";

/**
 * Notification email: a plain-text part and a small HTML part built from the same facts, and
 * the SMTP transport that carries it. Every value placed in the HTML is escaped; the body is
 * the one exception and comes from renderMarkdown, which already escapes raw HTML and drops
 * unsafe links. Its words, dates and durations are in the recipient's language: the subscriber's
 * (chosen when subscribing), else the site's (SITE_LOCALE) for maintainers' channels.
 */

export interface EmailMessage {
  from: string;
  to: string | string[];
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

const SUBJECT_MAX = 200;
export const DEFAULT_FROM = "OpenRegistry status <status@localhost>";

export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** One line with no control characters: a newline in a header value would start a new header. */
function oneLine(s: string): string {
  return s
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** Only http(s) URLs become links or headers; anything else is left out. */
function safeLink(url: string | undefined): string | undefined {
  return url && /^https?:\/\/[^\s<>"]+$/i.test(url) ? url : undefined;
}

/** Readable UTC in the recipient's language, as the status page shows times (an unreadable stamp as stored). */
function utc(iso: string, tr: Translator): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : tr.utc(new Date(ms));
}

/** The maintainer's local time next to UTC, since maintenance is planned in a zone. */
function inZone(iso: string, timeZone: string, tr: Translator): string | undefined {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return undefined;
  try {
    return `${new Intl.DateTimeFormat(tr.locale, { timeZone, dateStyle: "medium", timeStyle: "short", hourCycle: "h23" }).format(ms)} ${timeZone}`;
  } catch {
    return undefined;
  }
}

/** The facts shown in both parts, as label/value rows. */
function factRows(event: NotificationEvent, tr: Translator): [string, string][] {
  const rows: [string, string][] = [];
  const i = event.incident;
  const m = event.maintenance;
  if (i) {
    rows.push(
      [tr.t("email.status"), storedWord(tr, "incidentStatus", i.status)],
      [tr.t("email.impact"), storedWord(tr, "impact", i.impact)],
      [tr.t("email.started"), utc(i.startedAt, tr)],
    );
    if (i.resolvedAt) rows.push([tr.t("email.resolved"), utc(i.resolvedAt, tr)]);
    if (i.update) rows.push([tr.t("email.updatePosted"), utc(i.update.createdAt, tr)]);
    if (i.acknowledgedBy) rows.push([tr.t("email.acknowledgedBy"), i.acknowledgedBy]);
    if (i.unacknowledgedMinutes !== undefined) rows.push([tr.t("email.unacknowledgedFor"), tr.minutes(i.unacknowledgedMinutes)]);
  } else if (m) {
    const local = (iso: string) => {
      const z = inZone(iso, m.timeZone, tr);
      return z ? `${utc(iso, tr)} (${z})` : utc(iso, tr);
    };
    rows.push([tr.t("email.starts"), local(m.startsAt)], [tr.t("email.ends"), local(m.endsAt)]);
  }
  const monitors = (i ?? m)?.monitors ?? [];
  if (monitors.length > 0) rows.push([tr.t("email.affected"), monitors.map((x) => x.name).join(", ")]);
  return rows;
}

export function emailSubject(event: NotificationEvent, locale: Locale = BASE_LOCALE): string {
  return truncate(oneLine(localizedHeadline(event, translator(locale))), SUBJECT_MAX);
}

export function emailMessage(
  event: NotificationEvent,
  addr: { from: string; to: string | string[] },
  locale: Locale = BASE_LOCALE,
): EmailMessage {
  const tr = translator(locale);
  const subject = emailSubject(event, locale);
  const body = event.incident?.update?.body ?? event.maintenance?.body ?? "";
  const rows = factRows(event, tr);
  const viewUrl = safeLink(event.incident?.url ?? event.maintenance?.url);
  const viewLabel = tr.t(event.incident ? "email.viewIncident" : "email.viewMaintenance");
  const ackUrl = safeLink(event.ackUrl);
  const unsubscribeUrl = safeLink(event.unsubscribeUrl);
  const siteUrl = safeLink(event.site.url);

  const text = [
    subject,
    "",
    ...rows.map(([k, v]) => `${k}: ${v}`),
    ...(body.trim() ? ["", markdownToText(body)] : []),
    "",
    ...(viewUrl ? [`${viewLabel}: ${viewUrl}`] : []),
    ...(ackUrl ? [`${tr.t("email.acknowledge")}: ${ackUrl}`] : []),
    "",
    "-- ",
    siteUrl ? `${event.site.name} ${siteUrl}` : event.site.name,
    ...(unsubscribeUrl ? [`${tr.t("email.unsubscribe")}: ${unsubscribeUrl}`] : []),
    "",
  ].join("\n");

  const button = (href: string, label: string, colour: string) =>
    `<a href="${escapeHtml(href)}" style="display:inline-block;margin:0 8px 8px 0;padding:8px 14px;border-radius:4px;background:${colour};color:#ffffff;text-decoration:none;font-weight:600">${escapeHtml(label)}</a>`;
  const buttons = [
    viewUrl ? button(viewUrl, viewLabel, "#1f2937") : "",
    ackUrl ? button(ackUrl, tr.t("email.acknowledge"), "#b91c1c") : "",
  ].join("");
  const table = rows
    .map(
      ([k, v]) =>
        `<tr><th align="left" style="padding:2px 12px 2px 0;color:#6b7280;font-weight:normal;vertical-align:top">${escapeHtml(k)}</th><td style="padding:2px 0">${escapeHtml(v)}</td></tr>`,
    )
    .join("");
  const siteLine = siteUrl
    ? `<a href="${escapeHtml(siteUrl)}" style="color:#6b7280">${escapeHtml(event.site.name)}</a>`
    : escapeHtml(event.site.name);
  const unsubscribe = unsubscribeUrl
    ? ` · <a href="${escapeHtml(unsubscribeUrl)}" style="color:#6b7280">${escapeHtml(tr.t("email.unsubscribe"))}</a>`
    : "";

  const html = `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:0;background:#f3f4f6">
<div style="max-width:600px;margin:0 auto;padding:24px;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#111827;background:#ffffff">
<h1 style="font-size:20px;margin:0 0 16px">${escapeHtml(subject)}</h1>
${table ? `<table role="presentation" style="border-collapse:collapse;margin:0 0 16px">${table}</table>` : ""}
${body.trim() ? `<div style="margin:0 0 16px">${renderMarkdown(body)}</div>` : ""}
${buttons ? `<p style="margin:0 0 16px">${buttons}</p>` : ""}
<p style="margin:24px 0 0;font-size:12px;color:#6b7280">${siteLine}${unsubscribe}</p>
</div>
</body></html>
`;

  const headers: Record<string, string> = {
    // Stops vacation responders from answering a robot (RFC 3834).
    "Auto-Submitted": "auto-generated",
    "Content-Language": locale,
  };
  if (unsubscribeUrl) {
    // RFC 8058 one-click: mail clients show an unsubscribe button that POSTs to the URL.
    headers["List-Unsubscribe"] = `<${unsubscribeUrl}>`;
    headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click";
  }
  return { from: addr.from, to: addr.to, subject, text, html, headers };
}

export function emailFrom(env: Record<string, string | undefined> = process.env): string {
  return env.SMTP_FROM?.trim() || DEFAULT_FROM;
}

/**
 * Transport from SMTP_URL: smtp://[user:pass@]host[:port] (STARTTLS when the server offers it,
 * port 587 by default) or smtps://… (TLS from the start, port 465). `?requireTLS=true` refuses
 * to send over a server that does not offer STARTTLS. Null when SMTP_URL is unset.
 */
export function smtpTransportFromEnv(env: Record<string, string | undefined> = process.env): Transporter | null {
  const raw = env.SMTP_URL?.trim();
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // Not echoed: the value holds the SMTP password.
    throw new Error("SMTP_URL is not a valid URL (expected smtp://user:pass@host:port or smtps://…)");
  }
  if (url.protocol !== "smtp:" && url.protocol !== "smtps:") throw new Error("SMTP_URL must start with smtp:// or smtps://");
  if (!url.hostname) throw new Error("SMTP_URL has no host");
  const secure = url.protocol === "smtps:";
  const options: SMTPTransportOptions = {
    host: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    requireTLS: url.searchParams.get("requireTLS") === "true",
    // A stuck server must not hold a delivery (and the outbox worker) for minutes.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  };
  if (url.username) options.auth = { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) };
  return nodemailer.createTransport(options);
}

// Without an SMTP reply code, these failures are about our config or the message, not the network.
const PERMANENT_CODES = new Set([
  "EENVELOPE",
  "EMESSAGE",
  "EAUTH",
  "ENOAUTH",
  "ECONFIG",
  "EREQUIRETLS",
  "EMAXRECIPIENTS",
  "EFILEACCESS",
  "EURLACCESS",
]);

/**
 * Sends one message. Resolves when at least one recipient was accepted (a partly rejected
 * message is not retried: that would send it again to the accepted ones); otherwise throws a
 * DeliveryError, permanent for 5xx replies and for address or config problems.
 */
export async function sendEmail(transport: Transporter, message: EmailMessage): Promise<{ accepted: string[]; rejected: string[] }> {
  try {
    const info = (await transport.sendMail({ ...message })) as { accepted?: unknown[]; rejected?: unknown[] };
    const list = (v: unknown[] | undefined) =>
      (v ?? []).map((a) => (typeof a === "string" ? a : ((a as { address?: string }).address ?? String(a))));
    return { accepted: list(info.accepted), rejected: list(info.rejected) };
  } catch (err) {
    const e = err as NodemailerError;
    const code = typeof e?.code === "string" ? e.code : undefined;
    const reply = typeof e?.responseCode === "number" ? e.responseCode : undefined;
    // 503 "bad sequence of commands" is a session-state problem, so it can pass on a new connection.
    const permanent = reply !== undefined ? reply >= 500 && reply < 600 && reply !== 503 : code !== undefined && PERMANENT_CODES.has(code);
    const detail = scrubCredentials(oneLine(String(e?.message ?? err)), transport);
    throw new DeliveryError(truncate(`SMTP ${code ? `${code} ` : ""}error: ${detail}`, 500), { permanent });
  }
}

/** SMTP errors can quote what was sent; make sure the login never ends up in a stored error. */
function scrubCredentials(text: string, transport: Transporter): string {
  let out = text.replace(/(smtps?:\/\/)[^@\s/]*@/gi, "$1…@");
  const auth = (transport.options as { auth?: { user?: string; pass?: string } } | undefined)?.auth;
  const secrets = [auth?.pass, auth?.user && auth?.pass ? Buffer.from(`\0${auth.user}\0${auth.pass}`).toString("base64") : undefined];
  if (auth?.pass) secrets.push(Buffer.from(auth.pass).toString("base64"));
  for (const s of secrets) if (s && s.length >= 3) out = out.split(s).join("…");
  return out;
}
