import { describe, expect, it } from "vitest";
import { renderMarkdown } from "../../monitors/queries/markdown";

// Known XSS payloads against Markdown renderers (OWASP cheat sheet and markdown-it's own test corpus).
const PAYLOADS = [
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "[click](javascript:alert(1))",
  "[click](JaVaScRiPt:alert(1))",
  "[click](  javascript:alert(1))",
  "[click](javascript&#58;alert(1))",
  "[click](vbscript:msgbox(1))",
  "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
  "![x](javascript:alert(1))",
  '![x" onerror="alert(1)](https://example.com/a.png)',
  "<a href=\"javascript:alert(1)\">x</a>",
  "<iframe src=\"https://evil.test\"></iframe>",
  "<svg onload=alert(1)>",
  "<details open ontoggle=alert(1)>",
  "[x](https://ok.test\" onmouseover=\"alert(1))",
  "<style>body{display:none}</style>",
  "<form action=https://evil.test><input type=submit></form>",
  "<<script>script>alert(1)<</script>/script>",
  "[a](//evil.test)",
  "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
  "`<script>` in code is fine: <script>",
  "<object data=\"javascript:alert(1)\">",
];

describe("safe Markdown", () => {
  it("renders ordinary Markdown", () => {
    const html = renderMarkdown("**Identified**: the [storage](https://status.test/x) backend\n\n- one\n- two");
    expect(html).toContain("<strong>Identified</strong>");
    expect(html).toContain('<a href="https://status.test/x" rel="nofollow noopener noreferrer">storage</a>');
    expect(html).toContain("<li>one</li>");
  });

  for (const p of PAYLOADS) {
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
