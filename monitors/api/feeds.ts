import type { Db } from "../store/client";
import { recentIncidents } from "../queries/incidents";
import { recentMaintenances } from "../queries/maintenance";
import { renderMarkdown } from "../presentation/markdown";

interface FeedEntry {
  id: string;
  title: string;
  link: string;
  published: Date;
  updated: Date;
  html: string;
}

const xml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
// XML 1.0 forbids most control characters even when escaped.
const clean = (s: string) => s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "");

async function entries(db: Db, baseUrl: string, now: number): Promise<FeedEntry[]> {
  const [incidents, maintenances] = await Promise.all([recentIncidents(db, 50), recentMaintenances(db, now, 50)]);
  const out: FeedEntry[] = incidents.map((i) => ({
    id: `${baseUrl}/incidents/${i.id}`,
    title: `${i.title} (${i.status})`,
    link: `${baseUrl}/incidents/${i.id}`,
    published: i.startedAt,
    updated: i.updates[0]?.createdAt ?? i.updatedAt,
    html:
      i.updates.map((u) => `<p><strong>${xml(u.status)}</strong> — ${u.createdAt.toISOString()}</p>${renderMarkdown(u.body)}`).join("") ||
      `<p>${xml(i.status)}</p>`,
  }));
  for (const m of maintenances) {
    out.push({
      id: `${baseUrl}/history#maintenance-${m.id}`,
      title: `Maintenance: ${m.title} (${m.status.replace("_", " ")})`,
      link: `${baseUrl}/history#maintenance-${m.id}`,
      published: m.createdAt,
      updated: m.updatedAt,
      html: `<p>${m.startsAt.toISOString()} – ${m.endsAt.toISOString()}</p>${renderMarkdown(m.body)}`,
    });
  }
  return out.sort((a, b) => b.updated.getTime() - a.updated.getTime());
}

export async function atomFeed(db: Db, baseUrl: string, now = Date.now()): Promise<string> {
  const list = await entries(db, baseUrl, now);
  const updated = (list[0]?.updated ?? new Date(now)).toISOString();
  return [
    `<?xml version="1.0" encoding="utf-8"?>`,
    `<feed xmlns="http://www.w3.org/2005/Atom">`,
    `<id>${xml(baseUrl)}/history</id>`,
    `<title>OpenRegistry status history</title>`,
    `<updated>${updated}</updated>`,
    `<link rel="self" type="application/atom+xml" href="${xml(baseUrl)}/history.atom"/>`,
    `<link rel="alternate" type="text/html" href="${xml(baseUrl)}/history"/>`,
    `<author><name>OpenRegistry maintainers</name></author>`,
    ...list.map(
      (e) =>
        `<entry><id>${xml(e.id)}</id><title>${xml(clean(e.title))}</title><link rel="alternate" type="text/html" href="${xml(e.link)}"/><published>${e.published.toISOString()}</published><updated>${e.updated.toISOString()}</updated><content type="html">${xml(clean(e.html))}</content></entry>`,
    ),
    `</feed>`,
  ].join("\n");
}

export async function rssFeed(db: Db, baseUrl: string, now = Date.now()): Promise<string> {
  const list = await entries(db, baseUrl, now);
  return [
    `<?xml version="1.0" encoding="utf-8"?>`,
    `<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">`,
    `<channel>`,
    `<title>OpenRegistry status history</title>`,
    `<link>${xml(baseUrl)}/history</link>`,
    `<description>Incidents and maintenance of OpenRegistry</description>`,
    `<language>en</language>`,
    `<lastBuildDate>${new Date(now).toUTCString()}</lastBuildDate>`,
    `<atom:link href="${xml(baseUrl)}/history.rss" rel="self" type="application/rss+xml"/>`,
    ...list.map(
      (e) =>
        `<item><title>${xml(clean(e.title))}</title><link>${xml(e.link)}</link><guid isPermaLink="${e.id === e.link ? "true" : "false"}">${xml(e.id)}</guid><pubDate>${e.published.toUTCString()}</pubDate><description>${xml(clean(e.html))}</description></item>`,
    ),
    `</channel>`,
    `</rss>`,
  ].join("\n");
}
