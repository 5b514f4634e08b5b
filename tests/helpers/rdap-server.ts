import type { ServerResponse } from "node:http";
import { startHttp } from "./loopback";

const DAY_MS = 86_400_000;

/**
 * An RDAP domain object shaped like RFC 9083's §5.3 example (handle, ldhName, status, events
 * with registration, last changed and expiration, a nameserver, an entity, links, notices).
 */
export function rdapDomain(name: string, opts: { expiresInDays?: number | null; status?: string[]; now?: number } = {}) {
  const now = opts.now ?? Date.now();
  const events: Array<Record<string, string>> = [
    { eventAction: "registration", eventDate: "2021-03-04T12:00:00Z" },
    { eventAction: "last changed", eventDate: "2025-11-02T08:30:00Z", eventActor: "registrar@example.test" },
  ];
  if (opts.expiresInDays !== null)
    events.push({ eventAction: "expiration", eventDate: new Date(now + (opts.expiresInDays ?? 400) * DAY_MS).toISOString() });
  return {
    objectClassName: "domain",
    handle: `${name.toUpperCase().replace(/\./g, "-")}-TEST`,
    ldhName: name,
    rdapConformance: ["rdap_level_0"],
    status: opts.status ?? ["active", "client transfer prohibited"],
    events,
    nameservers: [{ objectClassName: "nameserver", ldhName: "ns1.example.test" }],
    entities: [
      {
        objectClassName: "entity",
        handle: "292",
        roles: ["registrar"],
        vcardArray: [
          "vcard",
          [
            ["version", {}, "text", "4.0"],
            ["fn", {}, "text", "Example Registrar"],
          ],
        ],
      },
    ],
    links: [
      {
        value: `https://rdap.example.test/domain/${name}`,
        rel: "self",
        href: `https://rdap.example.test/domain/${name}`,
        type: "application/rdap+json",
      },
    ],
    notices: [{ title: "Terms of Use", description: ["Service subject to Terms of Use."] }],
  };
}

export type RdapRoute = (res: ServerResponse, path: string) => void;

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { "content-type": "application/rdap+json", ...headers });
  res.end(typeof body === "string" ? body : JSON.stringify(body));
};

/**
 * A loopback RDAP server: `/rdap/domain/<name>` answers by the name (valid, soon, expired,
 * redemption, pending-delete, missing → 404, malformed, no-expiry, huge (600 KB), hang → never, ratelimited → 429,
 * moved → a redirect to `/other/`, loop → redirects to itself, wrong-name → another ldhName);
 * `/other/domain/<name>` answers a valid record; `/bootstrap.json` is the bootstrap file given.
 * `requests` lists every path asked for.
 */
export async function startRdapServer() {
  const requests: string[] = [];
  let bootstrap: { status: number; body: unknown } = { status: 404, body: "" };
  const server = await startHttp((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    requests.push(path);
    if (path === "/bootstrap.json") return json(res, bootstrap.status, bootstrap.body, { "content-type": "application/json" });
    const m = /^\/(rdap|other)\/domain\/([^/]+)$/.exec(path);
    if (!m) return json(res, 400, { errorCode: 400, title: "Bad Request" });
    const [, root, name] = m;
    const label = name.split(".")[0];
    if (root === "other") return json(res, 200, rdapDomain(name));
    switch (label) {
      case "soon":
        // Half a day off a whole number: 9 whole days left whether the probe's clock reads a
        // little before or after this one (at exactly 10 days a shared millisecond made it 10).
        return json(res, 200, rdapDomain(name, { expiresInDays: 9.5 }));
      case "expired":
        return json(res, 200, rdapDomain(name, { expiresInDays: -3.5, status: ["active", "auto renew period"] }));
      case "redemption":
        return json(res, 200, rdapDomain(name, { expiresInDays: 200, status: ["redemption period"] }));
      case "pending-delete":
        return json(res, 200, rdapDomain(name, { expiresInDays: 200, status: ["inactive", "pending delete"] }));
      case "missing":
        return json(res, 404, { errorCode: 404, title: "Not Found", description: ["The domain is not registered."] });
      case "malformed":
        return json(res, 200, '{"objectClassName": "domain", "events": [');
      case "no-expiry":
        return json(res, 200, rdapDomain(name, { expiresInDays: null }));
      case "not-domain":
        return json(res, 200, { objectClassName: "entity", handle: "X" });
      case "bad-date":
        return json(res, 200, { ...rdapDomain(name), events: [{ eventAction: "expiration", eventDate: "next tuesday" }] });
      case "huge":
        return json(res, 200, { ...rdapDomain(name), remarks: [{ description: ["x".repeat(600 * 1024)] }] });
      case "hang":
        return; // never answers
      case "ratelimited":
        return json(res, 429, { errorCode: 429, title: "Too Many Requests" }, { "retry-after": "120" });
      case "unavailable":
        return json(res, 503, { errorCode: 503, title: "Service Unavailable" });
      case "moved":
        res.writeHead(302, { location: `/other/domain/${name}` });
        return res.end();
      case "loop":
        res.writeHead(307, { location: `/rdap/domain/${name}` });
        return res.end();
      case "wrong-name":
        return json(res, 200, rdapDomain(`someone-else.${name.split(".").slice(1).join(".")}`));
      default:
        return json(res, 200, rdapDomain(name));
    }
  });
  return {
    ...server,
    requests,
    /** What `/bootstrap.json` answers from now on. */
    setBootstrap(status: number, body: unknown) {
      bootstrap = { status, body };
    },
  };
}
