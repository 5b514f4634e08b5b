import type { SyncedMonitor } from "../store/config-sync";
import { BatchQueue } from "../store/batch-queue";
import type { CheckOutcome } from "../evaluate/batch-plan";
import { LeaseManager, type LeaseTiming } from "../regions/lease-manager";
import { writeRegionChecks } from "../regions/region-check-writer";
import { decideSlots } from "../regions/quorum-decider";
import { RepeatingPass } from "./repeating-pass";
import type { ProbeControl } from "./probe-loop";
import type { AgentMode, AgentModeContext } from "./agent-mode";

/** How often an agent in a region looks for slots ready to be decided, besides after each write. */
const DECIDE_EVERY_MS = 1000;

/**
 * An agent in a region (PostgreSQL), next to any number of others: it probes the monitors it holds
 * leases for, writes region checks, and takes part in deciding slots from all regions' checks.
 */
export class RegionalMode implements AgentMode {
  readonly writer: BatchQueue<CheckOutcome>;
  readonly jobs = [];
  private readonly leases: LeaseManager;
  private probes?: ProbeControl;
  private leaseRenewal?: RepeatingPass;
  private decision?: RepeatingPass;

  constructor(
    private readonly ctx: AgentModeContext,
    private readonly timing: LeaseTiming,
  ) {
    this.leases = new LeaseManager(ctx.db, ctx.agentId, ctx.region, timing);
    this.writer = new BatchQueue(writeRegionChecks(ctx.db, ctx.agentId), {
      what: "region check",
      flushDelayMs: 100,
      log: ctx.log,
      onWritten: (batch) => {
        ctx.onWritten?.(batch);
        this.decision?.poke();
      },
    });
  }

  get probedCount(): number {
    return this.leases.heldCount;
  }

  get description(): string {
    return `; PostgreSQL, ${this.leases.heldCount} held on leases of ${this.timing.ttlMs} ms`;
  }

  async apply(enabled: SyncedMonitor[], probes: ProbeControl): Promise<void> {
    this.probes = probes;
    // Heartbeat monitors are pinged, not probed: no lease, no check (heartbeat/regional-heartbeat-pass.ts judges them).
    const mine = enabled.filter((m) => m.def.kind !== "heartbeat" && (!m.def.regions.length || m.def.regions.includes(this.ctx.region)));
    await this.leases.setMonitors(mine.map((m) => m.id));
    this.leases.setSlotTimings(new Map(mine.map((m) => [m.id, { intervalMs: m.def.intervalMs, phaseMs: m.def.phaseMs }])));
    probes.setAssignments(
      mine.map((m) => ({ id: m.id, def: m.def })),
      true,
    );
    probes.setLeases(this.leases.validity);
  }

  async start(): Promise<void> {
    await this.ctx.heartbeat();
    await this.renewLeases();
    this.leaseRenewal = new RepeatingPass(
      "lease renewal",
      this.timing.renewEveryMs,
      () => this.ctx.heartbeat().then(() => this.renewLeases()),
      this.ctx.log,
    );
    this.leaseRenewal.poke(this.timing.renewEveryMs);
    this.decision = new RepeatingPass("slot decision", DECIDE_EVERY_MS, () => this.decide(), this.ctx.log);
    this.decision.poke();
  }

  /** Renew, give back and claim leases; the probes follow what is held. */
  private async renewLeases(): Promise<void> {
    const t = await this.leases.tick();
    this.probes?.setLeases(this.leases.validity, t.at);
    if (t.claimed.length || t.released.length || t.lost.length) {
      this.ctx.log(
        `leases in ${this.ctx.region}: ${t.held.size} held (share ${t.share} of ${t.liveAgents} agent(s)); claimed ${t.claimed.length}, gave back ${t.released.length}, lost ${t.lost.length}`,
      );
    }
  }

  /** Slots of every region's checks, decided by quorum; runs after each write and every second. */
  private async decide(): Promise<boolean> {
    const pass = await decideSlots(this.ctx.db, {
      agentAliveMs: this.timing.ttlMs,
      isUnderMaintenance: (id, slot) => this.ctx.calendar.isUnderMaintenance(id, slot),
    });
    if (pass.transitions.length) this.ctx.onCommitted(pass.transitions);
    return pass.more;
  }

  async stopTakingWork(): Promise<void> {
    await this.leaseRenewal?.stop();
  }

  async handOver(): Promise<void> {
    await this.decision?.stop();
    await this.decide().catch(() => {});
    // The others take over at their next renewal instead of after the leases expire.
    await this.leases.releaseAll().catch(() => {});
    // They claim beyond their share only once this agent no longer counts as live: drop the
    // heartbeat row now, not after automation and the outbox (which can take seconds), or its
    // share stays reserved until the heartbeat is a ttl old and the release gains nothing.
    await this.ctx.db.agent.delete({ where: { id: this.ctx.agentId } }).catch(() => {});
  }
}
