/**
 * A full registry pull check against Debian's docker-registry with token auth: per-step
 * medians over 100 runs, and the probe's overhead against raw undici requests doing the
 * same steps (a fresh connection per run in both, the token reused in both). Then the push
 * canary on the same registry (an api check with `push`), per-step medians over as many runs.
 */
import { Agent, request } from "undici";
import { startRegistry, pushImage, USER, PASSWORD } from "../tests/helpers/oci-registry";
import { parseConfig } from "../monitors/config/load";
import { runProbe } from "../monitors/probes/run-probe";
import { MANIFEST_ACCEPT } from "../monitors/probes/registry/media-types";
import { median, round } from "./util";

export async function benchRegistryPull(runs = 100) {
  const reg = await startRegistry("token");
  try {
    const img = await pushImage(reg, "openregistry/canary", "latest");
    const env = { U: USER, P: PASSWORD };
    const def = parseConfig(
      JSON.stringify({
        monitors: [
          {
            slug: "pull",
            name: "Pull",
            kind: "registry",
            url: reg.url,
            check: "pull",
            timeout: "5s",
            pull: { repository: "openregistry/canary", reference: "latest" },
            credentials: { username: { env: "U" }, password: { env: "P" } },
          },
        ],
      }),
      "bench.yaml",
      env,
    ).monitors[0];
    const steps = new Map<string, number[]>();
    const totals: number[] = [];
    for (let i = 0; i < runs + 5; i++) {
      const r = await runProbe(def, { env });
      if (r.status !== "up") throw new Error(`pull check failed: ${r.error}`);
      if (i < 5) continue; // warm-up; the token is cached from here on, as in production
      totals.push(r.phases.totalMs);
      for (const s of r.details.steps as Array<{ name: string; ms: number }>) {
        if (!steps.has(s.name)) steps.set(s.name, []);
        steps.get(s.name)!.push(s.ms);
      }
    }

    // The same requests with undici alone.
    const tokenRes = await fetch(`${reg.tokenServer!.url}/token?service=test-registry&scope=repository:openregistry/canary:pull`, {
      headers: { authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString("base64")}` },
    });
    const token = ((await tokenRes.json()) as { token: string }).token;
    const raw: number[] = [];
    for (let i = 0; i < runs + 5; i++) {
      const dispatcher = new Agent();
      const t0 = performance.now();
      const a = await request(`${reg.url}/v2/`, { dispatcher });
      await a.body.dump();
      const auth = { authorization: `Bearer ${token}`, accept: MANIFEST_ACCEPT };
      const h = await request(`${reg.url}/v2/openregistry/canary/manifests/latest`, { method: "HEAD", headers: auth, dispatcher });
      await h.body.dump();
      const g = await request(`${reg.url}/v2/openregistry/canary/manifests/latest`, { headers: auth, dispatcher });
      await g.body.arrayBuffer();
      const b = await request(`${reg.url}/v2/openregistry/canary/blobs/${img.configDigest}`, { headers: auth, dispatcher });
      await b.body.arrayBuffer();
      if (i >= 5) raw.push(performance.now() - t0);
      await dispatcher.destroy();
    }
    const stepMedians = Object.fromEntries([...steps].map(([k, v]) => [k, round(median(v))]));
    const push = await timeChecks(
      parseConfig(
        JSON.stringify({
          monitors: [
            {
              slug: "push",
              name: "Push",
              kind: "registry",
              url: reg.url,
              timeout: "5s",
              push: { repository: "openregistry/push-canary", username: { env: "U" }, password: { env: "P" } },
            },
          ],
        }),
        "bench.yaml",
        env,
      ).monitors[0],
      env,
      runs,
    );
    return {
      runs,
      stepMedianMs: stepMedians,
      totalMedianMs: round(median(totals)),
      rawUndiciMedianMs: round(median(raw)),
      overheadMs: round(median(totals) - median(raw)),
      push: {
        runs,
        stepMedianMs: push.stepMedianMs,
        totalMedianMs: push.totalMedianMs,
        totalP95Ms: push.totalP95Ms,
        timesPull: round(push.totalMedianMs / median(totals)),
      },
    };
  } finally {
    await reg.stop();
  }
}

/** Per-step and whole-check medians of `runs` checks after 5 warm-up runs (tokens cached from then on). */
async function timeChecks(def: ReturnType<typeof parseConfig>["monitors"][number], env: Record<string, string>, runs: number) {
  const steps = new Map<string, number[]>();
  const totals: number[] = [];
  for (let i = 0; i < runs + 5; i++) {
    const r = await runProbe(def, { env });
    if (r.status !== "up") throw new Error(`${def.slug} check failed: ${r.error}`);
    if (i < 5) continue;
    totals.push(r.phases.totalMs);
    for (const s of r.details.steps as Array<{ name: string; ms: number }>) {
      if (!steps.has(s.name)) steps.set(s.name, []);
      steps.get(s.name)!.push(s.ms);
    }
  }
  const sorted = [...totals].sort((a, b) => a - b);
  return {
    stepMedianMs: Object.fromEntries([...steps].map(([k, v]) => [k, round(median(v))])),
    totalMedianMs: round(median(totals)),
    totalP95Ms: round(sorted[Math.floor(sorted.length * 0.95)]),
  };
}

if (import.meta.url === `file://${process.argv[1]}`)
  console.log(JSON.stringify(await benchRegistryPull(Number(process.argv[2] ?? 100)), null, 2));
