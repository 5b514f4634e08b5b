/**
 * Known XSS payloads against Markdown renderers (OWASP cheat sheet and markdown-it's own test
 * corpus). The renderer's unit test and the end-to-end test through the admin API share them.
 */
export const MARKDOWN_XSS_PAYLOADS = [
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
  '<a href="javascript:alert(1)">x</a>',
  '<iframe src="https://evil.test"></iframe>',
  "<svg onload=alert(1)>",
  "<details open ontoggle=alert(1)>",
  '[x](https://ok.test" onmouseover="alert(1))',
  "<style>body{display:none}</style>",
  "<form action=https://evil.test><input type=submit></form>",
  "<<script>script>alert(1)<</script>/script>",
  "[a](//evil.test)",
  "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
  "`<script>` in code is fine: <script>",
  '<object data="javascript:alert(1)">',
];
