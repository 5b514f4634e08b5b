import MarkdownIt from "markdown-it";
import { UTC_TEXT } from "../core/utc-time";

/**
 * Incident and maintenance text is Markdown written by maintainers and shown to the public
 * and in emails. Raw HTML is not allowed (html: false escapes it), and links may only be
 * http(s), mailto or site-relative: no javascript:, data: or vbscript: URLs.
 */
const md = new MarkdownIt({ html: false, linkify: true, breaks: true, typographer: false });
const SAFE_URL = /^(https?:\/\/|mailto:|\/(?!\/)|#)/i;
md.validateLink = (url: string) => SAFE_URL.test(url.trim());

const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx].attrSet("rel", "nofollow noopener noreferrer");
  return defaultLinkOpen(tokens, idx, options, env, self);
};
// Images could track readers or break layouts; show their alt text as a link instead.
md.renderer.rules.image = (tokens, idx) => {
  const t = tokens[idx];
  const src = t.attrGet("src") ?? "";
  const alt = md.utils.escapeHtml(t.content || src);
  return SAFE_URL.test(src) ? `<a href="${md.utils.escapeHtml(src)}" rel="nofollow noopener noreferrer">${alt}</a>` : alt;
};

// Readable UTC times in the text become <time datetime> for machines. The pattern holds only
// digits, dashes, colons and "UTC", so the markup added around it cannot carry anything else.
md.renderer.rules.text = (tokens, idx) =>
  md.utils.escapeHtml(tokens[idx].content).replace(UTC_TEXT, (text, date, time) => `<time datetime="${date}T${time}Z">${text}</time>`);

export function renderMarkdown(source: string): string {
  return md.render(source);
}

/** Plain text for feeds' summaries and for text emails. */
export function markdownToText(source: string): string {
  return source
    .replace(/```[\s\S]*?```/g, (m) => m.replace(/```/g, ""))
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, "$1 ($2)")
    .replace(/[*_`#>]/g, "")
    .trim();
}
