// Maintainer Markdown is shown to the public, in feeds and in emails. Known Markdown/HTML XSS
// payloads are posted through the real admin API (incident updates, a title, a postmortem, a
// maintenance note) and then looked for, as executable markup, everywhere they come out: the
// public incident page, the home page, /history, the Atom and RSS feeds, the Statuspage API
// (raw text there, never rendered HTML) and the notification email. Finally the public pages
// are opened in headless Chromium, with the site's CSP bypassed so that only the escaping is
// tested, and no payload may run: no dialog, no flag set, no hidden body.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { fetchUntil, startWeb } from "../helpers/web-process";
import { launchBrowser } from "../helpers/browser";
import { missing } from "../helpers/external-parts";
import { hashPassword } from "@/monitors/auth/password";
import { createSession, SESSION_COOKIE } from "@/monitors/auth/sessions";
import { parseConfig } from "@/monitors/config/load";
import { syncConfig } from "@/monitors/store/config-sync";
import { incidentEvent, maintenanceEvent } from "@/monitors/notify/event-builders";
import { emailMessage } from "@/monitors/notify/email";
import { MARKDOWN_XSS_PAYLOADS } from "../helpers/xss-payloads";

// The renderer-level corpus (tests/helpers/xss-payloads.ts, also used by tests/unit/markdown.test.ts)…
const UNIT_PAYLOADS = MARKDOWN_XSS_PAYLOADS;

// …and more: obfuscated schemes, entities in link targets, autolinks, reference links, nested
// contexts, and payloads that set window.__xss, so the browser can tell whether any ran.
const MORE_PAYLOADS = [
  '<a href="jav&#x09;ascript:alert(1)">x</a>',
  "[x](java\nscript:alert(1))",
  "[x](jav&#x09;ascript:alert(1))",
  "[x](&#106;avascript:alert(1))",
  "[x](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;window.__xss=1)",
  "[x](javascript%3Awindow.__xss=1)",
  "[x](\tjavascript:window.__xss=1)",
  "[x](<javascript:window.__xss=1>)",
  "[x][evil]\n\n[evil]: javascript:window.__xss=1",
  "<javascript:alert(1)>",
  "<svg><script>window.__xss=1</script></svg>",
  '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
  "[x](data:text/html,<script>alert(1)</script>)",
  "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
  '<img src=x onerror="window.__xss=1">',
  '<a href="javascript:window.__xss=1">click</a>',
  "<body onload=window.__xss=1>",
  "<input autofocus onfocus=window.__xss=1>",
  '<video><source onerror="window.__xss=1"></video>',
  "[<img src=x onerror=window.__xss=1>](https://ok.test)",
  "<scr<script>ipt>window.__xss=1</script>",
  '<meta http-equiv="refresh" content="0;url=javascript:window.__xss=1">',
  '<base href="javascript:window.__xss=1//">',
  '<embed src="javascript:window.__xss=1">',
  '<a href="&#x6A;avascript:window.__xss=1">x</a>',
  "javascript:window.__xss=1",
  "```html\n<script>window.__xss=1</script>\n```",
  '"><script>window.__xss=1</script>',
  "</div><script>window.__xss=1</script><div>",
  "[x](https://ok.test)<img src=x onerror=window.__xss=1>",
];

const PAYLOADS = [...UNIT_PAYLOADS, ...MORE_PAYLOADS];
const TITLE = 'Payload title <img src=x onerror="window.__xss=1"><script>window.__xss=1</script>';
const STATUSES = ["investigating", "identified", "monitoring"] as const;

const ALLOWED_TAGS = /^<\/?(p|a|code|pre|strong|em|ul|ol|li|br|blockquote|h[1-6]|hr|del|s|table|thead|tbody|tr|th|td)(\s|>|\/)/i;

/** Executable markup in a rendered fragment of maintainer text; [] when there is none. */
function executableMarkup(html: string): string[] {
  const problems: string[] = [];
  for (const tag of html.match(/<[a-z/!?][^>]*>/gi) ?? []) {
    if (!ALLOWED_TAGS.test(tag)) problems.push(`tag not allowed: ${tag}`);
    // An attribute's name, not text inside a quoted value (escaped data such as a title is inert there).
    if (/\son[a-z]+\s*=/i.test(tag.replace(/"[^"]*"|'[^']*'/g, '""'))) problems.push(`event handler attribute: ${tag}`);
    if (/\s(href|src|action|formaction|data|xlink:href)\s*=\s*["']?\s*(javascript|vbscript|data):/i.test(tag))
      problems.push(`dangerous URL: ${tag}`);
    if (/\s(href|src)\s*=\s*["']?\/\//i.test(tag)) problems.push(`protocol-relative URL: ${tag}`);
  }
  for (const t of ["<script", "<iframe", "<object", "<embed", "<svg", "<math", "<style", "<img", "<form", "<base", "<meta"])
    if (html.toLowerCase().includes(t)) problems.push(`${t} in ${html.slice(0, 200)}`);
  return problems;
}

/** The bodies of `<div class="markdown">…</div>` in a page: rendered Markdown never holds a div. */
function markdownFragments(page: string): string[] {
  return [...page.matchAll(/<div class="markdown">([\s\S]*?)<\/div>/g)].map((m) => m[1]);
}

/** Checks for the whole page, outside the Markdown too (titles, metadata, attributes). */
function pageProblems(page: string): string[] {
  const problems: string[] = [];
  // Outside <script> elements (Next's own bundles and flight data), the page holds no active markup.
  const withoutScripts = page.replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, "<script></script>");
  for (const tag of withoutScripts.match(/<[a-z][^>]*>/gi) ?? []) {
    // An attribute's name, not text inside a quoted value (escaped data such as a title is inert there).
    if (/\son[a-z]+\s*=/i.test(tag.replace(/"[^"]*"|'[^']*'/g, '""'))) problems.push(`event handler attribute: ${tag}`);
    if (/\s(href|src|action|data)\s*=\s*["']?\s*(javascript|vbscript|data):/i.test(tag)) problems.push(`dangerous URL: ${tag}`);
    // (The home page draws its uptime bars as an inline <svg>: svg is checked inside the Markdown only.)
    if (/^<(iframe|object|embed|math|img|form|base|meta http-equiv)/i.test(tag)) problems.push(`tag not expected on this page: ${tag}`);
  }
  // Every inline <script> is Next's (bootstrap and flight data, where the text is a JSON string):
  // none is a payload's own code.
  for (const m of page.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)) {
    if (/^\s*(alert|window\.__xss|parent\.__xss|msgbox|ipt>|script>)/i.test(m[1])) problems.push(`payload script: ${m[0].slice(0, 200)}`);
  }
  return problems;
}

describe("maintainer Markdown cannot inject script anywhere it is shown (real admin API, web and browser)", () => {
  let t: TempDb;
  let web: Awaited<ReturnType<typeof startWeb>>;
  let session = "";
  let incidentId = 0;
  let maintenanceId = 0;
  const postedBodies: string[] = [];

  async function post(name: string, body: unknown): Promise<Record<string, unknown>> {
    const r = await fetch(`${web.url}/admin/api/${name}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-status-request": "1", origin: web.url, cookie: `${SESSION_COOKIE}=${session}` },
      body: JSON.stringify(body),
    });
    const json = (await r.json()) as Record<string, unknown>;
    expect(r.status, `${name}: ${JSON.stringify(json)}`).toBe(200);
    return json;
  }

  beforeAll(async () => {
    t = await createTempDb();
    await syncConfig(
      t.db,
      parseConfig(
        JSON.stringify({ monitors: [{ slug: "registry-api", name: "Registry API", kind: "http", url: "https://registry.test/v2/" }] }),
        "xss.yaml",
        {},
      ),
    );
    const admin = await t.db.user.create({
      data: { email: "admin@example.com", role: "admin", passwordHash: await hashPassword("correct horse battery staple") },
    });
    session = (await createSession(t.db, admin.id)).token;
    web = await startWeb(t.url, { PUBLIC_URL: "" });

    // One incident: every payload is an update of its own, then it is resolved and gets a
    // postmortem holding all of them at once (so they can also interact).
    const created = await post("incident.create", {
      title: TITLE,
      status: "investigating",
      impact: "major",
      body: PAYLOADS[0],
      startedAt: "",
      monitors: { "registry-api": "major" },
    });
    incidentId = Number(String(created.redirect).split("/").pop());
    postedBodies.push(PAYLOADS[0]);
    for (const [i, body] of PAYLOADS.slice(1).entries()) {
      await post("incident.update", { id: incidentId, status: STATUSES[(i + 1) % STATUSES.length], body });
      postedBodies.push(body);
    }
    await post("incident.update", {
      id: incidentId,
      status: "resolved",
      body: "Resolved. <img src=x onerror=window.__xss=1> [more](javascript:window.__xss=1)",
    });
    postedBodies.push("Resolved. <img src=x onerror=window.__xss=1> [more](javascript:window.__xss=1)");
    await post("incident.postmortem", { id: incidentId, postmortem: PAYLOADS.join("\n\n") });
    // A maintenance window running now, so its note is on the home page, in /history and in the feeds.
    const now = Date.now();
    await post("maintenance.create", {
      title: "Window <script>window.__xss=1</script>",
      body: PAYLOADS.join("\n\n"),
      monitors: ["registry-api"],
      repeat: "once",
      startsAt: new Date(now - 60_000).toISOString(),
      endsAt: new Date(now + 3_600_000).toISOString(),
    });
    maintenanceId = (await t.db.maintenance.findFirstOrThrow()).id;
  }, 300_000);

  afterAll(async () => {
    await web?.stop();
    await t?.cleanup();
  });

  it(`posts ${PAYLOADS.length} payloads (${UNIT_PAYLOADS.length} from the renderer tests + ${MORE_PAYLOADS.length} more) through the admin API, stored as written`, async () => {
    expect(PAYLOADS.length).toBeGreaterThanOrEqual(20);
    const updates = await t.db.incidentUpdate.findMany({ where: { incidentId }, orderBy: { id: "asc" } });
    // Stored raw (the form trims): escaping happens when shown, never by mangling the source.
    expect(updates.map((u) => u.body)).toEqual(postedBodies.map((b) => b.trim()));
    expect((await t.db.incident.findUniqueOrThrow({ where: { id: incidentId } })).postmortem).toBe(PAYLOADS.join("\n\n").trim());
  });

  it("the checks are not vacuous: they flag the payloads when shown unescaped", () => {
    const flagged = PAYLOADS.filter((p) => executableMarkup(p).length > 0);
    expect(flagged.length).toBeGreaterThanOrEqual(25);
    for (const p of [
      '<img src=x onerror="window.__xss=1">',
      '<a href="javascript:window.__xss=1">click</a>',
      '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
      "<svg onload=alert(1)>",
      "<details open ontoggle=alert(1)>",
    ]) {
      expect(executableMarkup(p), p).not.toEqual([]);
      expect(executableMarkupInEmail(`<div>${p}</div>`), p).not.toEqual([]);
    }
    expect(
      pageProblems('<html><body><p>x</p><img src=x onerror="window.__xss=1"><script>window.__xss=1</script></body></html>'),
    ).toHaveLength(3);
    expect(markdownFragments('<div class="markdown"><p>a</p></div><div class="markdown"><p>b</p></div>')).toEqual(["<p>a</p>", "<p>b</p>"]);
  });

  it("the public incident page renders every update and the postmortem as inert text", async () => {
    const page = await fetchUntil(`${web.url}/incidents/${incidentId}`, (b) => b.includes("Postmortem") && b.includes("Resolved."), 20_000);
    const fragments = markdownFragments(page);
    // One per update, plus the postmortem: the extraction found them all.
    expect(fragments).toHaveLength(postedBodies.length + 1);
    const problems = fragments.flatMap((f) => executableMarkup(f).map((p) => `fragment ${JSON.stringify(f.slice(0, 80))}: ${p}`));
    expect(problems, problems.join("\n")).toEqual([]);
    expect(pageProblems(page)).toEqual([]);
    // Shown, as text.
    expect(page).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(page).toContain("&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;");
    // Links that survive are http(s), mailto or on this site.
    for (const f of fragments) for (const m of f.matchAll(/href="([^"]*)"/g)) expect(m[1]).toMatch(/^(https?:\/\/|mailto:|\/(?!\/)|#)/i);
  });

  it("the home page and /history show the maintenance note and the incident inertly", async () => {
    for (const path of ["/", "/history"]) {
      const page = await fetchUntil(`${web.url}${path}`, (b) => b.includes("Window &lt;script&gt;"), 20_000);
      const fragments = markdownFragments(page);
      expect(fragments.length, path).toBeGreaterThan(0);
      const problems = fragments.flatMap((f) => executableMarkup(f));
      expect(problems, `${path}:\n${problems.join("\n")}`).toEqual([]);
      expect(pageProblems(page), path).toEqual([]);
    }
  });

  it("the Atom and RSS feeds carry the rendered text escaped, and that HTML is inert once a reader unescapes it", async () => {
    const atom = await fetchUntil(`${web.url}/history.atom`, (b) => b.includes("Postmortem") || b.includes("Resolved."), 20_000);
    const rss = await fetchUntil(`${web.url}/history.rss`, (b) => b.includes("Resolved."), 20_000);
    for (const [name, xml] of [
      ["atom", atom],
      ["rss", rss],
    ] as const) {
      expect(XMLValidator.validate(xml), name).toBe(true);
      // No element but the feed's own.
      for (const tag of xml.match(/<[a-z][\w:-]*/gi) ?? [])
        expect(tag, name).toMatch(
          /^<(\?xml|feed|title|subtitle|id|updated|link|author|name|entry|published|content|summary|rss|channel|description|item|guid|pubDate|lastBuildDate|language|atom:link)$/i,
        );
    }
    const parser = new XMLParser({ ignoreAttributes: false, processEntities: true, htmlEntities: false });
    const atomEntries = [parser.parse(atom).feed.entry].flat();
    const rssItems = [parser.parse(rss).rss.channel.item].flat();
    const htmls = [
      ...atomEntries.map((e: { content: { "#text"?: string } | string }) =>
        typeof e.content === "string" ? e.content : (e.content["#text"] ?? ""),
      ),
      ...rssItems.map((i: { description: string }) => String(i.description)),
    ];
    expect(htmls.length).toBeGreaterThanOrEqual(4); // the incident and the window, in both feeds
    // What a feed reader renders: the unescaped HTML of each entry.
    const problems = htmls.flatMap((h) => executableMarkup(h));
    expect(problems, problems.join("\n")).toEqual([]);
    expect(htmls.join("\n")).toContain("&lt;script&gt;");
  });

  it("/api/v2/incidents.json carries the raw Markdown as JSON strings, not rendered HTML", async () => {
    const body = await fetchUntil(`${web.url}/api/v2/incidents.json`, (b) => b.includes("Resolved."), 20_000);
    const doc = JSON.parse(body) as {
      incidents: Array<{ id: string; name: string; postmortem_body?: string | null; incident_updates: Array<{ body: string }> }>;
    };
    const incident = doc.incidents.find((i) => i.id === String(incidentId))!;
    expect(incident.name).toBe(TITLE);
    // Exactly as written: no HTML added, nothing stripped (order aside: several share a millisecond).
    expect(incident.incident_updates.map((u) => u.body).sort()).toEqual(postedBodies.map((b) => b.trim()).sort());
    expect(incident.postmortem_body).toBe(PAYLOADS.join("\n\n").trim());
    // (Equal to the source, so not rendered: no payload starts with a paragraph, a rendering would.)
    for (const u of incident.incident_updates) expect(u.body.startsWith("<p>")).toBe(false);
    const maint = JSON.parse(await fetchUntil(`${web.url}/api/v2/scheduled-maintenances.json`, (b) => b.includes("Window"), 20_000)) as {
      scheduled_maintenances: Array<{ incident_updates: Array<{ status: string; body: string }> }>;
    };
    // One update per transition, newest first: the text written by the maintainer is the "scheduled" one.
    expect(maint.scheduled_maintenances[0].incident_updates.find((u) => u.status === "scheduled")!.body).toBe(PAYLOADS.join("\n\n").trim());
  });

  it("the notification email for each update and for the maintenance has no executable markup", async () => {
    const updates = await t.db.incidentUpdate.findMany({ where: { incidentId }, orderBy: { id: "asc" } });
    const now = new Date();
    const addr = { from: "Status <status@example.com>", to: "oncall@example.com" };
    let checked = 0;
    for (const u of updates) {
      const { event } = await incidentEvent(
        t.db,
        incidentId,
        "incident.updated",
        now,
        { updateId: u.id },
        { PUBLIC_URL: "https://status.example.com" },
      );
      expect(event.incident!.update!.body).toBe(u.body);
      const mail = emailMessage(event, addr);
      const problems = executableMarkupInEmail(mail.html);
      expect(problems, `update ${u.id} (${u.body.slice(0, 60)}):\n${problems.join("\n")}`).toEqual([]);
      checked += 1;
    }
    const { event } = await maintenanceEvent(t.db, maintenanceId, "maintenance.scheduled", now, {
      PUBLIC_URL: "https://status.example.com",
    });
    const mail = emailMessage(event, addr);
    expect(executableMarkupInEmail(mail.html)).toEqual([]);
    expect(mail.html).toContain("&lt;script&gt;");
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(checked).toBe(postedBodies.length);
  });

  it.skipIf(missing("chromium"))(
    "in Chromium, with the CSP bypassed, no payload runs on the incident page, the home page or /history",
    async () => {
      const browser = await launchBrowser();
      try {
        // bypassCSP: the site's Content-Security-Policy would block inline script anyway; this
        // checks the escaping alone.
        const context = await browser.newContext({ bypassCSP: true, javaScriptEnabled: true });
        await context.addInitScript(() => {
          const w = window as unknown as Record<string, unknown>;
          w.__dialogs = [];
          for (const name of ["alert", "confirm", "prompt", "print"]) {
            w[name] = (...args: unknown[]) => {
              (w.__dialogs as unknown[]).push([name, ...args]);
              return null;
            };
          }
        });
        const page = await context.newPage();
        const dialogs: string[] = [];
        page.on("dialog", (d) => {
          dialogs.push(`${d.type()}: ${d.message()}`);
          void d.dismiss();
        });
        const consoleLines: string[] = [];
        page.on("console", (m) => consoleLines.push(m.text()));
        // The traps work: a payload that did run would be seen.
        await page.setContent('<img src=x onerror="window.__xss=1"><img src=y onerror="alert(7)">');
        await page.waitForTimeout(300);
        expect(
          await page.evaluate(() => [
            (window as unknown as { __xss?: number }).__xss,
            (window as unknown as { __dialogs: unknown[] }).__dialogs,
          ]),
        ).toEqual([1, [["alert", 7]]]);
        for (const path of [`/incidents/${incidentId}`, "/", "/history"]) {
          const response = await page.goto(`${web.url}${path}`, { waitUntil: "load" });
          expect(response?.status(), path).toBe(200);
          // Handlers of failed images, focus, toggles and frames fire soon after load.
          await page.waitForTimeout(800);
          const state = await page.evaluate(() => {
            const w = window as unknown as Record<string, unknown>;
            const anchors = [...document.querySelectorAll(".markdown a")].map((a) => (a as HTMLAnchorElement).protocol);
            return {
              xss: w.__xss,
              parentXss: (window.parent as unknown as Record<string, unknown>).__xss,
              dialogs: w.__dialogs,
              bodyDisplay: getComputedStyle(document.body).display,
              frames: document.querySelectorAll("iframe, object, embed, frame").length,
              inlineHandlers: [...document.querySelectorAll("*")].filter((el) => [...el.attributes].some((a) => /^on/i.test(a.name)))
                .length,
              markdownScripts: document.querySelectorAll(".markdown script, .markdown svg, .markdown img, .markdown style").length,
              protocols: [...new Set(anchors)],
              href: location.href,
            };
          });
          expect(state.xss, `${path}: window.__xss was set`).toBeUndefined();
          expect(state.parentXss, path).toBeUndefined();
          expect(state.dialogs, path).toEqual([]);
          expect(state.bodyDisplay, `${path}: an injected style hid the page`).not.toBe("none");
          expect(state.frames, path).toBe(0);
          expect(state.inlineHandlers, path).toBe(0);
          expect(state.markdownScripts, path).toBe(0);
          for (const p of state.protocols) expect(["http:", "https:", "mailto:"], path).toContain(p);
          // A meta refresh or <base> would have moved us.
          expect(state.href, path).toBe(`${web.url}${path}`);
        }
        expect(dialogs).toEqual([]);
        expect(consoleLines.filter((l) => /__xss|alert\(1\)/.test(l))).toEqual([]);
        await context.close();
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});

/** The email is all ours except the rendered body: the same checks over the whole HTML part. */
function executableMarkupInEmail(html: string): string[] {
  const problems: string[] = [];
  for (const tag of html.match(/<[a-z/!][^>]*>/gi) ?? []) {
    // An attribute's name, not text inside a quoted value (escaped data such as a title is inert there).
    if (/\son[a-z]+\s*=/i.test(tag.replace(/"[^"]*"|'[^']*'/g, '""'))) problems.push(`event handler attribute: ${tag}`);
    if (/\s(href|src|action|data)\s*=\s*["']?\s*(javascript|vbscript|data):/i.test(tag)) problems.push(`dangerous URL: ${tag}`);
    if (/^<(script|iframe|object|embed|svg|math|img|form|base|style|link|input)\b/i.test(tag))
      problems.push(`tag not allowed in the email: ${tag}`);
  }
  return problems;
}
