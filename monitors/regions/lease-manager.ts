import { leaseAllowsCheck } from "./lease-validity";
import type { Db } from "../store/client";
import { type PgSession, type PreparedStatement, pgSession, requirePgPool, utcText } from "../store/pg-direct";
import { slotContaining } from "../schedule/slots";

export interface LeaseTiming {
  /** How long a claim lasts without renewal: a dead agent's monitors are free this long after its last renewal. */
  ttlMs: number;
  /** How often an agent renews, claims and gives back. */
  renewEveryMs: number;
}

export const DEFAULT_LEASE_TIMING: LeaseTiming = { ttlMs: 15_000, renewEveryMs: 5_000 };

export function leaseTimingFromEnv(env: Record<string, string | undefined> = process.env): LeaseTiming {
  const ttlMs = Number(env.LEASE_TTL_MS || DEFAULT_LEASE_TIMING.ttlMs);
  const renewEveryMs = Number(env.LEASE_RENEW_MS || Math.round(ttlMs / 3));
  // An agent checks until ttl - renew after its last renewal: a third leaves one slow renewal of slack.
  if (!(ttlMs >= 500) || !(renewEveryMs >= 100) || renewEveryMs * 3 > ttlMs) {
    throw new Error(
      `LEASE_TTL_MS (${ttlMs}) must be at least 500, and LEASE_RENEW_MS (${renewEveryMs}) at least 100 and at most a third of it`,
    );
  }
  return { ttlMs, renewEveryMs };
}

/** When a monitor's checks fall due: slots are k × interval + phase (monitors/schedule/slots.ts). */
export interface SlotTiming {
  intervalMs: number;
  phaseMs: number;
}

/**
 * A monitor is given back only once its current slot started at least this long ago, so the probe
 * thread, which learns of the give-back a moment later, has already started that slot's check.
 */
export const HANDOVER_SETTLE_MS = 1000;

/** Monitors checked at most this far apart are handed over in a ramp of one interval (pickGiveBacks). */
export const RAMP_MAX_INTERVAL_MS = 5 * 60_000;

export interface LeaseTick {
  /** The clock value the tick ran at: its claims hold from then. */
  at: number;
  held: Set<number>;
  claimed: number[];
  released: number[];
  lost: number[];
  liveAgents: number;
  share: number;
}

const LEASE_ROWS_ADD: PreparedStatement = {
  name: "lease_rows_add",
  text: `INSERT INTO "MonitorLease" ("monitorId", "region", "expiresAt")
         SELECT id, $2::text, $3::timestamp(3) FROM unnest($1::int[]) AS id ON CONFLICT DO NOTHING`,
};
const LEASE_ROWS_REMOVE: PreparedStatement = {
  name: "lease_rows_remove",
  text: `DELETE FROM "MonitorLease" WHERE "region" = $1 AND NOT ("monitorId" = ANY($2::int[]))`,
};
const LEASE_RENEW: PreparedStatement = {
  name: "lease_renew",
  text: `UPDATE "MonitorLease" SET "expiresAt" = $1::timestamp(3)
         WHERE "region" = $2 AND "agentId" = $3 AND "expiresAt" > $4::timestamp(3) RETURNING "monitorId"`,
};
const LEASE_SHARE: PreparedStatement = {
  name: "lease_share",
  text: `SELECT (SELECT count(*) FROM "Agent" WHERE "region" = $1 AND "lastSeenAt" > $2::timestamp(3)) AS agents,
                (SELECT count(*) FROM "MonitorLease" WHERE "region" = $1) AS monitors`,
};
const LEASE_GIVE_BACK: PreparedStatement = {
  name: "lease_give_back",
  text: `UPDATE "MonitorLease" SET "agentId" = NULL, "expiresAt" = $1::timestamp(3)
         WHERE "region" = $2 AND "agentId" = $3 AND "monitorId" = ANY($4::int[])`,
};
const LEASE_CLAIM: PreparedStatement = {
  name: "lease_claim",
  text: `UPDATE "MonitorLease" SET "agentId" = $1, "expiresAt" = $2::timestamp(3)
         WHERE "region" = $3 AND "monitorId" IN (
           SELECT "monitorId" FROM "MonitorLease" WHERE "region" = $3 AND "expiresAt" <= $4::timestamp(3)
           ORDER BY "monitorId" LIMIT $5 FOR UPDATE SKIP LOCKED)
         RETURNING "monitorId"`,
};
const LEASE_RELEASE_ALL: PreparedStatement = {
  name: "lease_release_all",
  text: `UPDATE "MonitorLease" SET "agentId" = NULL, "expiresAt" = $1::timestamp(3) WHERE "region" = $2 AND "agentId" = $3`,
};

/**
 * The monitors one agent of a region probes, as rows of MonitorLease on PostgreSQL. Each tick
 * renews this agent's rows, gives back what is above its fair share (so a new agent gets work),
 * and claims free or expired rows up to that share with FOR UPDATE SKIP LOCKED, so two agents
 * never claim the same row and never wait on each other.
 */
export class LeaseManager {
  /** Monitor id -> until when (local clock) this agent may start checks of it. */
  private readonly validUntil = new Map<number, number>();
  private slotTimings = new Map<number, SlotTiming>();

  /** Every renewal runs these statements: straight to `pg`, prepared (store/pg-direct.ts). */
  private readonly sql: PgSession;

  constructor(
    db: Db,
    private readonly agentId: string,
    private readonly region: string,
    private readonly timing: LeaseTiming = DEFAULT_LEASE_TIMING,
  ) {
    this.sql = pgSession(requirePgPool(db, "Leases"));
  }

  get heldCount(): number {
    return this.validUntil.size;
  }

  heldIds(): number[] {
    return [...this.validUntil.keys()];
  }

  /** Monitor id -> until when checks of it may start (a copy, to hand to the probe thread). */
  get validity(): ReadonlyMap<number, number> {
    return new Map(this.validUntil);
  }

  mayCheck(monitorId: number, now = Date.now()): boolean {
    return leaseAllowsCheck(this.validUntil, monitorId, now);
  }

  /** The schedule of the monitors, so give-backs can be timed between their checks (see pickGiveBacks). */
  setSlotTimings(timings: Map<number, SlotTiming>): void {
    this.slotTimings = timings;
  }

  /**
   * Which held monitors to give back this tick, at most `excess`. A monitor goes only when its
   * current slot started at least HANDOVER_SETTLE_MS ago (its check is under way here) and its next
   * slot is more than two renewal periods away, so the agent taking it (at its next renewal) holds
   * it well before then. Monitors checked at least every RAMP_MAX_INTERVAL_MS go only in the renewal
   * period right after their slot started: over one interval each passes that window once, so the
   * hand-over ramps in spread by phase and the new agent's first checks come as evenly as the phases
   * do. Monitors with no known schedule, or intervals too short for a safe moment, can go at any tick.
   */
  private pickGiveBacks(held: Iterable<number>, excess: number, now: number): number[] {
    const renewMs = this.timing.renewEveryMs;
    const picked: Array<{ id: number; sinceSlot: number }> = [];
    for (const id of held) {
      const timing = this.slotTimings.get(id);
      if (!timing || timing.intervalMs < 3 * renewMs + 2 * HANDOVER_SETTLE_MS) {
        picked.push({ id, sinceSlot: -1 });
        continue;
      }
      const sinceSlot = now - slotContaining(now, timing.intervalMs, timing.phaseMs);
      const safe = sinceSlot >= HANDOVER_SETTLE_MS && timing.intervalMs - sinceSlot > 2 * renewMs + HANDOVER_SETTLE_MS;
      const rampWindow = timing.intervalMs > RAMP_MAX_INTERVAL_MS || sinceSlot < HANDOVER_SETTLE_MS + renewMs;
      if (safe && rampWindow) picked.push({ id, sinceSlot });
    }
    // Unscheduled first (any moment is as good), then the most recently started: the most time ahead.
    picked.sort((a, b) => a.sinceSlot - b.sinceSlot || b.id - a.id);
    return picked.slice(0, excess).map((p) => p.id);
  }

  /** Makes one lease row per monitor this region probes, and removes rows of monitors it no longer does. */
  async setMonitors(monitorIds: number[]): Promise<void> {
    await this.sql.query(LEASE_ROWS_ADD, [monitorIds, this.region, utcText(0)]);
    await this.sql.query(LEASE_ROWS_REMOVE, [this.region, monitorIds]);
  }

  async tick(now = Date.now()): Promise<LeaseTick> {
    const { sql, agentId, region } = this;
    const { ttlMs } = this.timing;
    const at = utcText(now);
    const expires = utcText(now + ttlMs);
    const renewed = await sql.query<{ monitorId: number }>(LEASE_RENEW, [expires, region, agentId, at]);
    const held = new Set(renewed.map((r) => r.monitorId));
    const lost = [...this.validUntil.keys()].filter((id) => !held.has(id));

    const [{ agents, monitors }] = await sql.query<{ agents: number; monitors: number }>(LEASE_SHARE, [region, utcText(now - ttlMs)]);
    const liveAgents = Math.max(1, agents);
    const share = Math.ceil(monitors / liveAgents);

    const released: number[] = [];
    if (held.size > share) released.push(...this.pickGiveBacks(held, held.size - share, now));
    if (released.length > 0) {
      // Stop checking them before the rows are free: another agent may claim them as soon as the
      // statement commits, while validUntil would otherwise allow checks until this tick returns.
      for (const id of released) this.validUntil.delete(id);
      await sql.query(LEASE_GIVE_BACK, [at, region, agentId, released]);
      for (const id of released) held.delete(id);
    }
    const claimed: number[] = [];
    if (held.size < share) {
      const rows = await sql.query<{ monitorId: number }>(LEASE_CLAIM, [agentId, expires, region, at, share - held.size]);
      for (const r of rows) {
        held.add(r.monitorId);
        claimed.push(r.monitorId);
      }
    }
    // Checks may start until a renewal is overdue by a full period: by then another agent may own it.
    this.validUntil.clear();
    for (const id of held) this.validUntil.set(id, now + ttlMs - this.timing.renewEveryMs);
    return { at: now, held, claimed, released, lost, liveAgents, share };
  }

  /** Gives every lease back at once (graceful stop), so the others need not wait for expiry. */
  async releaseAll(): Promise<void> {
    this.validUntil.clear();
    await this.sql.query(LEASE_RELEASE_ALL, [utcText(Date.now()), this.region, this.agentId]);
  }
}
