import { describe, expect, it } from "vitest";
import { renderMarkdown } from "@/monitors/presentation/markdown";
import { MARKDOWN_XSS_PAYLOADS } from "../helpers/xss-payloads";

describe("safe Markdown", () => {
  it("renders ordinary Markdown", () => {
    const html = renderMarkdown("**Identified**: the [storage](https://status.test/x) backend\n\n- one\n- two");
    expect(html).toContain("<strong>Identified</strong>");
    expect(html).toContain('<a href="https://status.test/x" rel="nofollow noopener noreferrer">storage</a>');
    expect(html).toContain("<li>one</li>");
  });

  for (const p of MARKDOWN_XSS_PAYLOADS) {
    it(`renders inert: ${p}`, () => {
      const html = renderMarkdown(p);
      // Only real tags matter: escaped text (&lt;script&gt;) is inert.
      const tags = html.match(/<[a-z][^>]*>/gi) ?? [];
      for (const tag of tags) {
        expect(tag).toMatch(/^<(p|a|code|pre|strong|em|ul|ol|li|br|blockquote|h[1-6]|hr|del|s)[\s>/]/i);
        expect(tag).not.toMatch(/\son[a-z]+\s*=/i);
        expect(tag).not.toMatch(/href="\s*(javascript|vbscript|data):/i);
        expect(tag).not.toMatch(/href="\/\//);
      }
    });
  }
});
