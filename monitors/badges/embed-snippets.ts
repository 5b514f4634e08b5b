/** Copy-ready snippets for a monitor's badges: Markdown, HTML and the shields.io endpoint URL. */
export function embedSnippets(baseUrl: string, slug: string, name: string) {
  const base = baseUrl.replace(/\/$/, "");
  const page = `${base}/monitors/${slug}`;
  const status = `${base}/badge/${slug}/status.svg`;
  const uptime = `${base}/badge/${slug}/uptime.svg?window=30d`;
  const alt = name.replace(/[[\]"<>&]/g, "");
  const attr = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;");
  return {
    markdown: `[![${alt} status](${status})](${page}) [![${alt} uptime](${uptime})](${page})`,
    html: `<a href="${attr(page)}"><img src="${attr(status)}" alt="${attr(alt)} status"></a> <a href="${attr(page)}"><img src="${attr(uptime)}" alt="${attr(alt)} uptime"></a>`,
    shields: `https://img.shields.io/endpoint?url=${encodeURIComponent(`${base}/badge/${slug}/uptime.json?window=30d`)}`,
  };
}
