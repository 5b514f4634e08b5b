import { escapeHtml, type EmailMessage } from "../notify/email";

/** The double opt-in mail: one link, no tracking, nothing else. */
export function confirmationEmail(site: { name: string }, to: string, from: string, confirmUrl: string): EmailMessage {
  const subject = `Confirm your subscription to ${site.name}`;
  const text = `Someone (hopefully you) asked to get ${site.name} notifications at this address.\n\nConfirm: ${confirmUrl}\n\nIf it was not you, ignore this mail; nothing will be sent without confirmation. The link expires in 48 hours.\n`;
  const html = `<!doctype html><html><body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#111827">
<p>Someone (hopefully you) asked to get ${escapeHtml(site.name)} notifications at this address.</p>
<p><a href="${escapeHtml(confirmUrl)}" style="display:inline-block;padding:8px 14px;border-radius:4px;background:#1f2937;color:#fff;text-decoration:none">Confirm subscription</a></p>
<p style="color:#6b7280;font-size:13px">If it was not you, ignore this mail; nothing will be sent without confirmation. The link expires in 48 hours.</p>
</body></html>`;
  return { from, to, subject, text, html, headers: { "Auto-Submitted": "auto-generated" } };
}
