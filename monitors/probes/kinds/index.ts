import type { z } from "zod";
import { dnsKind } from "./dns";
import { domainKind } from "./domain";
import { heartbeatKind } from "./heartbeat";
import { httpKind } from "./http";
import { ipfsKind } from "./ipfs";
import type { ProbeKind } from "./kind";
import { registryKind } from "./registry";
import { s3Kind } from "./s3";
import { skynetKind } from "./skynet";
import { tcpKind } from "./tcp";

/** Every probe kind. Adding one: a module in this folder (see http.ts) and one line here. */
export const PROBE_KINDS = [httpKind, tcpKind, dnsKind, registryKind, skynetKind, ipfsKind, s3Kind, domainKind, heartbeatKind] as const;

type Kinds = typeof PROBE_KINDS;
export type MonitorSpec = z.infer<Kinds[number]["schema"]>;
export type KindName = MonitorSpec["kind"];

// Generic mapped types keep the tuple (a mapped type over a concrete tuple type would not).
type NamesOf<T extends readonly ProbeKind[]> = { [I in keyof T]: T[I]["kind"] };
type SchemasOf<T extends readonly ProbeKind[]> = { [I in keyof T]: T[I]["schema"] };

export const MONITOR_KINDS = PROBE_KINDS.map((k) => k.kind) as unknown as NamesOf<Kinds>;
/** Each kind's monitor schema, in the registry's order: config/schema.ts makes the union of them. */
export const kindSchemas = PROBE_KINDS.map((k) => k.schema) as unknown as SchemasOf<Kinds>;

const byName = new Map<string, ProbeKind>(PROBE_KINDS.map((k) => [k.kind, k as unknown as ProbeKind]));

/** The kind of a monitor spec, parsed or as stored (then perhaps of a kind no longer known: undefined). */
export function probeKindOf(spec: { kind?: unknown } | null | undefined): ProbeKind | undefined {
  return typeof spec?.kind === "string" ? byName.get(spec.kind) : undefined;
}
