import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { freePort, startWeb } from "../helpers/web-process";
import { missing } from "../helpers/external-parts";
import { hashPassword } from "@/monitors/auth/password";
import { adminCommand } from "@/monitors/admin/command-registry";
import { handleManagementApi } from "@/monitors/management-api/handle-request";
import { ALERT_ROUTING_SETTING, DEFAULT_ALERT_ROUTING } from "@/monitors/config/alert-routing";
import { parseConfig } from "@/monitors/config/load";
import type { ApiScope } from "@/monitors/auth/api-scopes";

const FIRING_END = "0001-01-01T00:00:00Z";

/** A webhook payload shaped as in Alertmanager's configuration reference (<webhook_config>, version 4). */
function payload(opts: {
  groupKey: string;
  status: "firing" | "resolved";
  alerts: Array<{ status?: "firing" | "resolved"; labels: Record<string, string>; summary?: string; fingerprint: string }>;
  commonAnnotations?: Record<string, string>;
}) {
  const alerts = opts.alerts.map((a) => ({
    status: a.status ?? opts.status,
    labels: a.labels,
    annotations: a.summary ? { summary: a.summary } : {},
    startsAt: "2026-12-04T14:13:00.000Z",
    endsAt: (a.status ?? opts.status) === "resolved" ? "2026-12-04T14:20:00.000Z" : FIRING_END,
    generatorURL: "http://prometheus.internal:9090/graph?g0.expr=up%3D%3D0",
    fingerprint: a.fingerprint,
  }));
  const common = (key: string) => (new Set(alerts.map((a) => a.labels[key])).size === 1 ? alerts[0].labels[key] : undefined);
  const commonLabels = Object.fromEntries(
    ["alertname", "severity", "component"].map((k) => [k, common(k)]).filter(([, v]) => v !== undefined),
  );
  return {
    receiver: "status-page",
    status: opts.status,
    alerts,
    groupLabels: { alertname: alerts[0].labels.alertname },
    commonLabels,
    commonAnnotations: opts.commonAnnotations ?? {},
    externalURL: "http://alertmanager.internal:9093",
    version: "4",
    groupKey: opts.groupKey,
    truncatedAlerts: 0,
  };
}

describe("Alertmanager webhook receiver", () => {
  let t: TempDb;
  let token = "";
  let readOnly = "";

  async function post(body: unknown, bearer: string | null = token, raw?: string) {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    const req = new Request("http://127.0.0.1/api/admin/v1/alertmanager", { method: "POST", headers, body: raw ?? JSON.stringify(body) });
    const res = await handleManagementApi("POST", "/alertmanager", req, t.db, {});
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  async function makeToken(name: string, scopes: ApiScope[]) {
    const cmd = adminCommand("token.create")!;
    const out = await cmd.run(
      { db: t.db, actor: { id: null, email: null, role: "admin", via: "cli" }, now: new Date(), env: {} },
      cmd.input.parse({ name, scopes }),
    );
    return (out.data as { token: string }).token;
  }

  beforeAll(async () => {
    t = await createTempDb();
    await t.db.user.create({
      data: { email: "oncall@example.com", role: "responder", passwordHash: await hashPassword("a long enough password") },
    });
    for (const [i, [slug, name]] of [
      ["registry-api", "Registry API"],
      ["web-app", "Web app"],
      ["storage", "Storage"],
    ].entries()) {
      await t.db.monitor.create({
        data: { slug, name, kind: "http", config: {}, intervalSec: 60, timeoutMs: 5000, phaseMs: 0, sortOrder: i },
      });
    }
    // What the agent's config sync stores from `alertmanager: { components: { registry: registry-api } }`.
    const routing = { ...DEFAULT_ALERT_ROUTING, components: { registry: "registry-api" } };
    await t.db.setting.create({ data: { key: ALERT_ROUTING_SETTING, value: routing } });
    token = await makeToken("alertmanager", ["incidents:write"]);
    readOnly = await makeToken("reader", ["monitors:read"]);
  });
  afterAll(async () => t?.cleanup());

  it("opens one incident for a firing alert, maps its component label, and resolves it", async () => {
    const groupKey = '{}:{alertname="RegistryDown"}';
    const firing = payload({
      groupKey,
      status: "firing",
      alerts: [
        {
          labels: { alertname: "RegistryDown", component: "registry", severity: "critical", instance: "10.0.0.7:5000" },
          summary: "Registry API answers 503",
          fingerprint: "a1",
        },
      ],
    });
    const opened = await post(firing);
    expect(opened).toEqual({ status: 200, json: { action: "opened", incidentId: expect.any(Number) } });
    const id = opened.json.incidentId as number;
    const inc = await t.db.incident.findUniqueOrThrow({
      where: { id },
      include: { monitors: { include: { monitor: true } }, updates: true },
    });
    expect(inc).toMatchObject({ title: "Registry API answers 503", status: "investigating", impact: "critical", acknowledgedAt: null });
    expect(inc.monitors.map((m) => [m.monitor.slug, m.impact])).toEqual([["registry-api", "critical"]]);
    expect(inc.updates[0].body).toBe("Alertmanager reports:\n\n- **RegistryDown**: Registry API answers 503 (since 2026-12-04 14:13 UTC)");
    // Public text: no label set, generator URL or Alertmanager address.
    expect(inc.updates[0].body).not.toMatch(/10\.0\.0\.7|internal/);

    // Alertmanager repeats a notification (repeat_interval, or both of an HA pair): nothing new.
    expect((await post(firing)).json).toEqual({ action: "unchanged", incidentId: id });
    expect(await t.db.incident.count({ where: { title: "Registry API answers 503" } })).toBe(1);

    const resolved = await post(
      payload({
        groupKey,
        status: "resolved",
        alerts: [{ labels: firing.alerts[0].labels, summary: "Registry API answers 503", fingerprint: "a1" }],
      }),
    );
    expect(resolved.json).toEqual({ action: "resolved", incidentId: id });
    const after = await t.db.incident.findUniqueOrThrow({ where: { id } });
    expect(after.status).toBe("resolved");
    expect(after.resolvedAt).not.toBeNull();
    expect(
      (await post(payload({ groupKey, status: "resolved", alerts: [{ labels: firing.alerts[0].labels, fingerprint: "a1" }] }))).json,
    ).toEqual({ action: "unchanged", incidentId: id });

    // Every write is audited under the token.
    const tokenId = (await t.db.apiToken.findUniqueOrThrow({ where: { name: "alertmanager" } })).id;
    const audit = await t.db.auditLog.findMany({ where: { target: `incident:${id}` }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.action, a.apiTokenId])).toEqual([
      ["incident.create", tokenId],
      ["incident.update", tokenId],
    ]);

    // The alert comes back: resolved is final, so it is a new incident.
    const again = await post(firing);
    expect(again.json.action).toBe("opened");
    expect(again.json.incidentId).not.toBe(id);
  });

  it("keeps a grouped notification in one incident, updated as alerts join and leave", async () => {
    const groupKey = '{}/{severity=~"warning|critical"}:{cluster="eu-1"}';
    const a = {
      labels: { alertname: "HighLatency", component: "web-app", severity: "warning", cluster: "eu-1" },
      summary: "p99 over 2 s",
      fingerprint: "b1",
    };
    const b = {
      labels: { alertname: "BucketErrors", component: "storage", severity: "critical", cluster: "eu-1" },
      summary: "S3 5xx above 5%",
      fingerprint: "b2",
    };
    const c = { labels: { alertname: "Unmapped", component: "billing", cluster: "eu-1" }, fingerprint: "b3" };
    const first = await post(payload({ groupKey, status: "firing", alerts: [a, c] }));
    expect(first.json.action).toBe("opened");
    const id = first.json.incidentId as number;
    const slugs = async () =>
      (await t.db.incidentMonitor.findMany({ where: { incidentId: id }, include: { monitor: true }, orderBy: { monitorId: "asc" } })).map(
        (m) => [m.monitor.slug, m.impact],
      );
    // "billing" names no monitor: the alert is in the text, no component is invented.
    expect(await slugs()).toEqual([["web-app", "minor"]]);
    const inc = await t.db.incident.findUniqueOrThrow({ where: { id } });
    expect(inc).toMatchObject({ title: "2 alerts firing", impact: "major" });

    const second = await post(payload({ groupKey, status: "firing", alerts: [a, b, c] }));
    expect(second.json).toEqual({ action: "updated", incidentId: id });
    expect(await slugs()).toEqual([
      ["web-app", "minor"],
      ["storage", "critical"],
    ]);
    expect((await t.db.incident.findUniqueOrThrow({ where: { id } })).impact).toBe("critical");
    const latest = await t.db.incidentUpdate.findFirstOrThrow({ where: { incidentId: id }, orderBy: { id: "desc" } });
    expect(latest.body).toContain("**BucketErrors**: S3 5xx above 5%");

    // One alert resolves while the others still fire: the group is still firing.
    const third = await post(payload({ groupKey, status: "firing", alerts: [{ ...a, status: "resolved" }, b, c] }));
    expect(third.json).toEqual({ action: "updated", incidentId: id });
    expect((await t.db.incident.findUniqueOrThrow({ where: { id } })).resolvedAt).toBeNull();
    const done = await post(
      payload({ groupKey, status: "resolved", alerts: [a, b, c].map((x) => ({ ...x, status: "resolved" as const })) }),
    );
    expect(done.json).toEqual({ action: "resolved", incidentId: id });
    expect(await t.db.incident.count({ where: { id } })).toBe(1);
  });

  it("opens one incident when an HA pair delivers the same group at once", async () => {
    const body = payload({
      groupKey: '{}:{alertname="DiskFull"}',
      status: "firing",
      alerts: [{ labels: { alertname: "DiskFull", component: "storage" }, fingerprint: "c1" }],
    });
    const answers = await Promise.all([post(body), post(body), post(body)]);
    const opened = answers.filter((r) => r.json.action === "opened");
    expect(opened).toHaveLength(1);
    expect(answers.every((r) => r.status === 200 && ["opened", "in-progress", "unchanged"].includes(r.json.action as string))).toBe(true);
    expect(await t.db.incident.count({ where: { title: "DiskFull" } })).toBe(1);
  });

  it("ignores resolved alerts of a group it never saw", async () => {
    const r = await post(
      payload({ groupKey: '{}:{alertname="Ghost"}', status: "resolved", alerts: [{ labels: { alertname: "Ghost" }, fingerprint: "d1" }] }),
    );
    expect(r.json).toEqual({ action: "ignored", incidentId: null });
  });

  it("refuses bad deliveries with the problem named, opening nothing", async () => {
    const before = await t.db.incident.count();
    const v3 = await post({
      ...payload({ groupKey: "{}:{x}", status: "firing", alerts: [{ labels: { alertname: "X" }, fingerprint: "e1" }] }),
      version: "3",
    });
    expect(v3.status).toBe(400);
    expect(v3.json.problems).toEqual([{ in: "body", path: "version", message: 'only webhook payload version "4" is understood' }]);
    const noAlerts = await post({
      ...payload({ groupKey: "{}:{x}", status: "firing", alerts: [{ labels: { alertname: "X" }, fingerprint: "e1" }] }),
      alerts: [],
    });
    expect(noAlerts.json.problems).toEqual([{ in: "body", path: "alerts", message: "at least one alert" }]);
    const badAlert = await post({
      ...payload({ groupKey: "{}:{x}", status: "firing", alerts: [{ labels: { alertname: "X" }, fingerprint: "e1" }] }),
      alerts: [{ status: "burning", labels: { a: 1 } }],
    });
    expect((badAlert.json.problems as Array<{ path: string }>).map((p) => p.path).sort()).toEqual([
      "alerts[0].labels.a",
      "alerts[0].startsAt",
      "alerts[0].status",
    ]);
    expect((await post(null, null, "{")).status).toBe(401);
    expect((await post({}, readOnly)).json).toEqual({
      error: "this token lacks the scope incidents:write",
      requiredScope: "incidents:write",
    });
    expect((await post(null, token, "{not json")).status).toBe(400);
    expect(await t.db.incident.count()).toBe(before);
  });

  it("checks the config section: a component mapped to no monitor is named", () => {
    const yaml = `
alertmanager:
  components: { registry: registry-apii }
  severities: { critical: catastrophic }
monitors:
  - { slug: registry-api, name: Registry API, kind: tcp, host: 127.0.0.1, port: 1 }
`;
    expect(() => parseConfig(yaml, "test.yaml")).toThrow(/alertmanager\.severities\.critical: must be one of none, minor, major, critical/);
    expect(() => parseConfig(yaml.replace("  severities: { critical: catastrophic }\n", ""), "test.yaml")).toThrow(
      'test.yaml: alertmanager.components.registry: no monitor has the slug "registry-apii"',
    );
    const ok = parseConfig(
      yaml.replace("registry-apii", "registry-api").replace("  severities: { critical: catastrophic }\n", ""),
      "test.yaml",
    );
    expect(ok.alertmanager).toEqual({ ...DEFAULT_ALERT_ROUTING, components: { registry: "registry-api" } });
  });

  describe.skipIf(missing("prometheus-alertmanager"))(
    "a real Alertmanager (Debian's prometheus-alertmanager) through the web process",
    () => {
      let web: Awaited<ReturnType<typeof startWeb>>;
      let am: ChildProcess;
      let amUrl = "";
      let amLog = "";
      let dir = "";

      beforeAll(async () => {
        dir = mkdtempSync(join(tmpdir(), "status-am-"));
        web = await startWeb(t.url);
        const port = await freePort();
        amUrl = `http://127.0.0.1:${port}`;
        // Short waits so one firing → resolved round trip takes a few seconds.
        writeFileSync(
          join(dir, "alertmanager.yml"),
          `global:
  resolve_timeout: 1s
route:
  receiver: status-page
  group_by: [alertname]
  group_wait: 100ms
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: status-page
    webhook_configs:
      - url: ${web.url}/api/admin/v1/alertmanager
        send_resolved: true
        max_alerts: 50
        http_config:
          authorization: { type: Bearer, credentials: ${token} }
`,
        );
        am = spawn(
          "prometheus-alertmanager",
          [
            `--config.file=${join(dir, "alertmanager.yml")}`,
            `--storage.path=${join(dir, "data")}`,
            `--web.listen-address=127.0.0.1:${port}`,
            "--cluster.listen-address=",
          ],
          { stdio: ["ignore", "pipe", "pipe"] },
        );
        am.stdout!.on("data", (d) => (amLog += d));
        am.stderr!.on("data", (d) => (amLog += d));
        const until = Date.now() + 15_000;
        for (;;) {
          if (am.exitCode !== null) throw new Error(`alertmanager exited:\n${amLog}`);
          if (
            await fetch(`${amUrl}/-/ready`)
              .then((r) => r.ok)
              .catch(() => false)
          )
            break;
          if (Date.now() > until) throw new Error(`alertmanager did not get ready:\n${amLog}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      }, 120_000);

      afterAll(async () => {
        if (am && am.exitCode === null) {
          const gone = new Promise((r) => am.once("exit", r));
          am.kill("SIGTERM");
          await gone;
        }
        await web?.stop();
        if (dir) rmSync(dir, { recursive: true, force: true });
      });

      async function until<T>(what: string, read: () => Promise<T | null>, ms = 10_000): Promise<T> {
        const end = Date.now() + ms;
        for (;;) {
          const v = await read();
          if (v) return v;
          if (Date.now() > end)
            throw new Error(
              `${what} did not happen within ${ms} ms; alertmanager log:\n${amLog.slice(-3000)}\nweb log:\n${web.output().slice(-2000)}`,
            );
          await new Promise((r) => setTimeout(r, 150));
        }
      }

      const sendAlert = (endsAt?: string) =>
        fetch(`${amUrl}/api/v2/alerts`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify([
            {
              labels: { alertname: "RoundTrip", component: "registry", severity: "warning" },
              annotations: { summary: "Round trip through Alertmanager" },
              ...(endsAt ? { endsAt } : {}),
            },
          ]),
        }).then((r) => expect(r.status).toBe(200));

      it("firing → incident → resolved", async () => {
        const started = Date.now();
        await sendAlert();
        const inc = await until("an incident from the firing alert", () =>
          t.db.incident.findFirst({
            where: { title: "Round trip through Alertmanager" },
            include: { monitors: { include: { monitor: true } } },
          }),
        );
        expect(inc).toMatchObject({ status: "investigating", impact: "minor", resolvedAt: null });
        expect(inc.monitors.map((m) => m.monitor.slug)).toEqual(["registry-api"]);
        const group = await t.db.alertGroup.findFirstOrThrow({ where: { incidentId: inc.id } });
        expect(group.groupKey).toBe('{}:{alertname="RoundTrip"}');
        // Ending the alert now: Alertmanager notifies the resolution at the group's next interval.
        await sendAlert(new Date().toISOString());
        const resolved = await until("the incident resolved", () =>
          t.db.incident.findFirst({ where: { id: inc.id, resolvedAt: { not: null } } }),
        );
        expect(resolved.status).toBe("resolved");
        expect(await t.db.incident.count({ where: { title: "Round trip through Alertmanager" } })).toBe(1);
        expect(Date.now() - started).toBeLessThan(15_000);
        expect(web.output()).not.toContain(token);
        expect(amLog).not.toContain(token);
      });
    },
  );
});
