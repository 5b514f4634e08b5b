import pg from "pg";
import { Prisma } from "@prisma/client";
import type { Db } from "./client";
import { dialectOf } from "./dialect";
import { resolveDatabaseTarget } from "./database-url";
import { executeSql } from "./raw-sql";

/**
 * "Something public changed" across web nodes, through PostgreSQL's LISTEN/NOTIFY: the database
 * every node already talks to is the bus, so there is no broker to run. A notification carries
 * no data, only a topic (the admin command's name): a node that hears it drops its cached public
 * answers and reads the database again. Losing one is harmless beyond the caches' own age (≤ ~5 s),
 * and a listener that reconnects reports a change, since it cannot know what it missed.
 *
 * No Next.js here (the engine never imports it): the web process (scripts/web-server.mjs) listens
 * and turns a notification into Next's revalidatePath through its own internal route.
 */
export const CHANGE_CHANNEL = "status_changed";

/** The topic a listener reports after a reconnect: notifications sent meanwhile were lost. */
export const RECONNECTED = "(reconnected)";

/**
 * Tells every listening web node that public state changed. Call it after the commit: NOTIFY
 * outside a transaction is delivered at once, and a node must not re-read before the write is
 * visible. On SQLite there is one web node, which sees its own writes answered (scripts/web-server.mjs),
 * so this does nothing. Never throws: the change is saved whatever happens here, and a node that
 * misses the news shows it when its caches age out (ISR 4 s, micro-cache 1 s, JSON 3 s).
 */
export async function announceChange(db: Db, topic: string, log: (line: string) => void = console.error): Promise<void> {
  if (!dialectOf(db).changeNotifications) return;
  try {
    await executeSql(db, Prisma.sql`SELECT pg_notify(${CHANGE_CHANNEL}, ${topic.slice(0, 200)})`);
  } catch (e) {
    log(`${topic}: telling the web nodes of the change failed: ${(e as Error).message ?? e}`);
  }
}

/** The PostgreSQL URL to listen on, or null when the database is SQLite (nothing to listen to). */
export function changeFeedUrl(databaseUrl = process.env.DATABASE_URL): string | null {
  const target = resolveDatabaseTarget(databaseUrl || undefined);
  return target.provider === "postgresql" ? target.url : null;
}

export interface ChangeListener {
  /** True while a connection is LISTENing. */
  readonly listening: boolean;
  close(): Promise<void>;
}

export interface ListenOptions {
  log?: (line: string) => void;
  /** First reconnect delay; doubles per failed attempt up to maxBackoffMs. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /**
   * A query on the idle connection this often: a peer that vanished without closing the socket
   * (a failover, a dropped NAT entry) is noticed within heartbeat + timeout, not TCP's hours.
   */
  heartbeatMs?: number;
}

/**
 * Keeps one dedicated connection (not one of Prisma's pool: a pooled connection is handed to
 * others and would drop the LISTEN) listening on CHANGE_CHANNEL, reconnecting with backoff when
 * it fails. `onChange` gets each notification's topic, and RECONNECTED after every reconnect.
 */
export function listenForChanges(url: string, onChange: (topic: string) => void, opts: ListenOptions = {}): ChangeListener {
  const log = opts.log ?? ((line: string) => console.error(`${new Date().toISOString()} change feed: ${line}`));
  const minBackoff = opts.minBackoffMs ?? 250;
  const maxBackoff = opts.maxBackoffMs ?? 10_000;
  const heartbeatMs = opts.heartbeatMs ?? 30_000;
  let closed = false;
  let client: pg.Client | null = null;
  let listening = false;
  let failures = 0;
  let connectedBefore = false;
  let retryTimer: NodeJS.Timeout | null = null;
  let heartbeat: NodeJS.Timeout | null = null;

  const notify = (topic: string) => {
    try {
      onChange(topic);
    } catch (e) {
      log(`change handler failed: ${(e as Error).stack ?? e}`);
    }
  };

  async function connect(): Promise<void> {
    retryTimer = null;
    if (closed) return;
    const c = new pg.Client({
      connectionString: url,
      keepAlive: true,
      connectionTimeoutMillis: 10_000,
      query_timeout: 10_000,
      application_name: "status-web-change-feed",
    });
    client = c;
    let failed = false;
    const fail = (err?: unknown) => {
      if (failed) return;
      failed = true;
      listening = false;
      if (heartbeat) clearInterval(heartbeat);
      heartbeat = null;
      c.removeAllListeners("notification");
      c.end().catch(() => {});
      if (closed) return;
      const delay = Math.min(maxBackoff, minBackoff * 2 ** failures) * (0.75 + Math.random() * 0.5);
      failures++;
      log(`connection lost (${err instanceof Error ? err.message : "closed"}); reconnecting in ${Math.round(delay)} ms`);
      retryTimer = setTimeout(() => void connect(), delay);
      retryTimer.unref();
    };
    // Errors after connect() (a server restart, a killed backend) arrive as events, not rejections.
    c.on("error", fail);
    c.on("end", () => fail());
    c.on("notification", (n) => {
      if (n.channel === CHANGE_CHANNEL) notify(n.payload ?? "");
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${CHANGE_CHANNEL}`);
    } catch (e) {
      fail(e);
      return;
    }
    if (closed || failed) {
      if (!failed) c.end().catch(() => {});
      return;
    }
    listening = true;
    const missedSome = connectedBefore || failures > 0;
    if (failures > 0) log("listening again");
    connectedBefore = true;
    failures = 0;
    heartbeat = setInterval(() => {
      c.query("SELECT 1").catch(fail);
    }, heartbeatMs);
    heartbeat.unref();
    // Caches filled while nobody listened may hold what a lost notification would have dropped.
    if (missedSome) notify(RECONNECTED);
  }

  void connect();
  return {
    get listening() {
      return listening;
    },
    async close() {
      closed = true;
      listening = false;
      if (retryTimer) clearTimeout(retryTimer);
      if (heartbeat) clearInterval(heartbeat);
      await client?.end().catch(() => {});
    },
  };
}
