import { renderMarkdown } from "@/monitors/presentation/markdown";

/**
 * A maintainer's Markdown (incident updates, postmortems, maintenance notes) as HTML. The one
 * place the public and admin pages insert HTML from text: renderMarkdown allows no raw HTML and
 * only safe links (monitors/presentation/markdown.ts, tested with the XSS payloads).
 */
export function MarkdownBody({ source }: { source: string }) {
  // biome-ignore lint/security/noDangerouslySetInnerHtml: renderMarkdown escapes raw HTML and allows only safe links
  return <div className="markdown" dangerouslySetInnerHTML={{ __html: renderMarkdown(source) }} />;
}
