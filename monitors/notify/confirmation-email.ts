import { escapeHtml, type EmailMessage } from "./email";
import { translator } from "../i18n/translator";
import { BASE_LOCALE, type Locale } from "../i18n/locales";

/** The double opt-in mail: one link, no tracking, nothing else; in the language the reader subscribed in. */
export function confirmationEmail(
  site: { name: string },
  to: string,
  from: string,
  confirmUrl: string,
  locale: Locale = BASE_LOCALE,
): EmailMessage {
  const tr = translator(locale);
  const subject = tr.t("confirm.subject", { site: site.name });
  const body = tr.t("confirm.body", { site: site.name });
  const ignore = tr.t("confirm.ignore");
  const text = `${body}\n\n${tr.t("confirm.button")}: ${confirmUrl}\n\n${ignore}\n`;
  const html = `<!doctype html><html lang="${locale}"><body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#111827">
<p>${escapeHtml(body)}</p>
<p><a href="${escapeHtml(confirmUrl)}" style="display:inline-block;padding:8px 14px;border-radius:4px;background:#1f2937;color:#fff;text-decoration:none">${escapeHtml(tr.t("confirm.button"))}</a></p>
<p style="color:#6b7280;font-size:13px">${escapeHtml(ignore)}</p>
</body></html>`;
  return { from, to, subject, text, html, headers: { "Auto-Submitted": "auto-generated", "Content-Language": locale } };
}
