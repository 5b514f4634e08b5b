import type { Tx } from "../store/client";
import { transitiveDependencies } from "../core/dependency-graph";
import type { PendingSlot } from "../evaluate/hysteresis";

/** A stored confirmed state change, as incident automation reads it. */
export interface Change {
  id: number;
  monitorId: number;
  fromStatus: string;
  toStatus: string;
  at: Date;
  reason: string | null;
  monitor: { name: string; group: string; showTarget: boolean; isPublic: boolean };
}

export const CHANGE_SELECT = {
  id: true,
  monitorId: true,
  fromStatus: true,
  toStatus: true,
  at: true,
  reason: true,
  monitor: { select: { name: true, group: true, showTarget: true, isPublic: true } },
} as const;

export interface DependencyNode {
  id: number;
  slug: string;
  name: string;
  group: string;
  isPublic: boolean;
  showTarget: boolean;
  /** Direct dependencies, as ids (slugs of archived or unknown monitors are dropped). */
  dependsOn: number[];
  confirmWithinMs: number;
  /** The stored state now (it may be ahead of the change being handled). */
  state: { status: string; since: number | null; failingSince: number | null; lastError: string | null };
  /** Its oldest change not yet acted on, if any: the state before it is the state at this point of the stream. */
  queued: Change | null;
}

/**
 * The part of the dependency graph a pass of incident automation needs: the monitors it handles
 * changes of (and the dependants it may have to hand an incident of their own), everything they
 * depend on, transitively, with each one's stored state and oldest unhandled change. Read inside
 * the pass's transaction.
 */
export class DependencyContext {
  private readonly graph: Map<number, number[]>;
  private readonly closures = new Map<number, Set<number>>();

  private constructor(private readonly nodes: Map<number, DependencyNode>) {
    this.graph = new Map([...nodes].map(([k, n]) => [k, n.dependsOn]));
  }

  static async load(tx: Tx, seeds: Iterable<number>): Promise<DependencyContext> {
    const nodes = new Map<number, DependencyNode>();
    const select = {
      id: true,
      slug: true,
      name: true,
      group: true,
      isPublic: true,
      showTarget: true,
      dependsOn: true,
      intervalSec: true,
      timeoutMs: true,
      confirmDown: true,
      state: { select: { status: true, since: true, pending: true, lastError: true } },
    } as const;
    type Row = Awaited<ReturnType<typeof tx.monitor.findMany<{ select: typeof select }>>>[number];
    const all: Row[] = [];
    let next: Row[] = await tx.monitor.findMany({ where: { id: { in: [...new Set(seeds)] } }, select });
    const seen = new Set<string>();
    while (next.length) {
      for (const r of next) seen.add(r.slug);
      all.push(...next);
      const wanted = [...new Set(next.flatMap((r) => slugList(r.dependsOn)))].filter((s) => !seen.has(s));
      next = wanted.length ? await tx.monitor.findMany({ where: { slug: { in: wanted }, archivedAt: null }, select }) : [];
    }
    const idOfSlug = new Map(all.map((r) => [r.slug, r.id]));
    for (const r of all) {
      const dependsOn = slugList(r.dependsOn)
        .map((s) => idOfSlug.get(s))
        .filter((id): id is number => id !== undefined);
      const pending = (r.state?.pending ?? []) as unknown as PendingSlot[];
      const status = r.state?.status ?? "unknown";
      nodes.set(r.id, {
        id: r.id,
        slug: r.slug,
        name: r.name,
        group: r.group,
        isPublic: r.isPublic,
        showTarget: r.showTarget,
        dependsOn,
        confirmWithinMs: r.confirmDown * r.intervalSec * 1000 + r.timeoutMs,
        state: {
          status,
          since: r.state?.since?.getTime() ?? null,
          failingSince: status !== "down" && pending[0]?.observed === "down" ? pending[0].slot : null,
          lastError: r.state?.lastError ?? null,
        },
        queued: null,
      });
    }
    // Without depends_on nothing here is asked for: a config without it costs one query per pass.
    if (![...nodes.values()].some((n) => n.dependsOn.length)) return new DependencyContext(nodes);
    // Oldest first, so the first seen per monitor is the one the stream reaches next.
    const queued = await tx.stateChange.findMany({
      where: { handledAt: null, monitorId: { in: [...nodes.keys()] } },
      orderBy: { id: "asc" },
      select: CHANGE_SELECT,
    });
    for (const c of queued) {
      const n = nodes.get(c.monitorId)!;
      if (!n.queued) n.queued = c;
    }
    return new DependencyContext(nodes);
  }

  node(id: number): DependencyNode | undefined {
    return this.nodes.get(id);
  }

  /** Everything `id` depends on, directly or not. */
  dependenciesOf(id: number): Set<number> {
    let c = this.closures.get(id);
    if (!c) {
      c = transitiveDependencies(this.graph, id);
      this.closures.set(id, c);
    }
    return c;
  }
}

function slugList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : [];
}
