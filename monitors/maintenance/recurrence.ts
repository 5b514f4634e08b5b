/**
 * Recurring maintenance windows: a 5-field cron expression evaluated on the wall clock of an
 * IANA time zone.
 *
 * Daylight-saving rules (the wall clock is what the cron fields match):
 *  - Spring forward: a matching local time that does not exist (02:30 on the day clocks jump
 *    02:00→03:00) occurs at the first instant after the gap (03:00 local), once. Several
 *    matching times inside one gap, and a match exactly at the end of the gap, collapse into
 *    that single occurrence.
 *  - Fall back: a matching local time that happens twice (01:30 when clocks go 02:00→01:00)
 *    occurs once, at the FIRST of the two instants (the one with the earlier, pre-change offset).
 *
 * How: matching wall-clock minutes are found with plain calendar arithmetic (no Intl), and
 * only the days that contain a match have their UTC offsets looked up, by sampling
 * Intl.DateTimeFormat hourly and bisecting to the minute where an offset changes. That keeps a
 * 14-day expansion of a dense rule in the low milliseconds.
 */
import cron from "node-cron";

export interface RecurrenceRule {
  /** The expression with its fields separated by single spaces. */
  readonly expression: string;
  /** IANA name as given, with Intl's letter case (e.g. "europe/berlin" → "Europe/Berlin"). */
  readonly timeZone: string;
  /** Allowed values per field, ascending. Day-of-week uses 0-6 with 0 = Sunday. */
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly daysOfMonth: readonly number[];
  readonly months: readonly number[];
  readonly daysOfWeek: readonly number[];
  /**
   * Vixie cron: a day field is "restricted" when it does not start with `*`. When both are
   * restricted a day matches if EITHER matches; otherwise both must (so `*` drops out).
   */
  readonly dayOfMonthRestricted: boolean;
  readonly dayOfWeekRestricted: boolean;
}

export type ParseResult = { ok: true; rule: RecurrenceRule } | { ok: false; error: string };

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
// Every real UTC offset lies within these bounds (Etc/GMT+12 … Pacific/Kiritimati); used to
// bound which wall-clock times can map into a UTC range.
const MAX_WEST_MS = 12 * HOUR_MS;
const MAX_EAST_MS = 14 * HOUR_MS;

const MONTH_NAMES = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const WEEKDAY_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
// February counts 29: a rule for the 29th fires in leap years.
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const WEEKDAY_LABELS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

interface FieldSpec {
  label: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** Offset added to a name's index (months are 1-based). */
  nameBase?: number;
  nameHint?: string;
}

const FIELDS: readonly FieldSpec[] = [
  { label: "minute", min: 0, max: 59 },
  { label: "hour", min: 0, max: 23 },
  { label: "day-of-month", min: 1, max: 31 },
  { label: "month", min: 1, max: 12, names: MONTH_NAMES, nameBase: 1, nameHint: "month name (JAN-DEC)" },
  // 7 is accepted as a second spelling of Sunday and folded to 0 after expansion.
  { label: "day-of-week", min: 0, max: 7, names: WEEKDAY_NAMES, nameBase: 0, nameHint: "weekday name (SUN-SAT)" },
];

class FieldError extends Error {}

function parseValue(token: string, spec: FieldSpec): number {
  if (/^\d+$/.test(token)) {
    const n = Number(token);
    if (n < spec.min || n > spec.max) throw new FieldError(`${n} is out of range ${spec.min}-${spec.max}`);
    return n;
  }
  if (spec.names) {
    const i = spec.names.indexOf(token.toUpperCase());
    if (i >= 0) return i + (spec.nameBase ?? 0);
    throw new FieldError(`"${token}" is not a number or ${spec.nameHint}`);
  }
  throw new FieldError(`"${token}" is not a number`);
}

function parseField(text: string, spec: FieldSpec): number[] {
  const values = new Set<number>();
  for (const item of text.split(",")) {
    if (item === "") throw new FieldError("empty item in list");
    const parts = item.split("/");
    if (parts.length > 2) throw new FieldError(`"${item}" has more than one "/"`);
    const [base, stepText] = parts;
    let lo: number;
    let hi: number;
    if (base === "*") {
      lo = spec.min;
      // `*` in day-of-week means 0-6; 7 only exists as an alias.
      hi = spec.label === "day-of-week" ? 6 : spec.max;
    } else if (base.includes("-")) {
      const bounds = base.split("-");
      if (bounds.length !== 2 || bounds[0] === "" || bounds[1] === "") {
        throw new FieldError(`"${base}" is not a valid range (use start-end, e.g. 1-5)`);
      }
      lo = parseValue(bounds[0], spec);
      hi = parseValue(bounds[1], spec);
      // "FRI-SUN" reads naturally; let Sunday close a weekday range as 7.
      if (spec.label === "day-of-week" && hi === 0 && lo > 0) hi = 7;
      if (lo > hi) throw new FieldError(`range ${bounds[0]}-${bounds[1]} runs backwards (start is after end)`);
    } else {
      if (stepText !== undefined) {
        // Same as node-cron and Vixie: a step needs something to step through.
        throw new FieldError(`a step needs "*" or a range before "/", e.g. */10 or ${base}-${spec.max}/${stepText}`);
      }
      lo = hi = parseValue(base, spec);
    }
    let step = 1;
    if (stepText !== undefined) {
      const span = spec.max - spec.min;
      if (!/^\d+$/.test(stepText)) throw new FieldError(`step "${stepText}" is not a whole number`);
      step = Number(stepText);
      if (step < 1 || step > span) throw new FieldError(`step ${step} is out of range 1-${span}`);
    }
    for (let v = lo; v <= hi; v += step) values.add(spec.label === "day-of-week" && v === 7 ? 0 : v);
  }
  return [...values].sort((a, b) => a - b);
}

/** Cached per zone: constructing a DateTimeFormat costs far more than formatting with one. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * Parses a standard 5-field cron expression (minute hour day-of-month month day-of-week) for
 * the given IANA time zone. Errors name the offending field and say why it is wrong.
 */
export function parseRecurrence(expr: string, timeZone: string): ParseResult {
  const trimmed = (expr ?? "").trim();
  if (trimmed === "") return { ok: false, error: "cron expression is empty" };
  if (trimmed.startsWith("@")) {
    return { ok: false, error: `"${trimmed}": macros are not supported; write the 5 fields (minute hour day-of-month month day-of-week)` };
  }
  const texts = trimmed.split(/\s+/);
  if (texts.length === 6) {
    return {
      ok: false,
      error:
        `"${trimmed}" has 6 fields: maintenance windows use 5 fields (minute hour day-of-month month day-of-week) ` +
        "with minute precision, so a seconds field is not supported",
    };
  }
  if (texts.length !== 5) {
    return {
      ok: false,
      error: `"${trimmed}" has ${texts.length} field${texts.length === 1 ? "" : "s"}: expected 5 (minute hour day-of-month month day-of-week)`,
    };
  }

  const sets: number[][] = [];
  for (let i = 0; i < 5; i++) {
    try {
      sets.push(parseField(texts[i], FIELDS[i]));
    } catch (e) {
      if (e instanceof FieldError) return { ok: false, error: `${FIELDS[i].label} field "${texts[i]}": ${e.message}` };
      throw e;
    }
  }

  // A day-of-month that no selected month has (31 in February) would never fire.
  const longestMonth = Math.max(...sets[3].map((m) => DAYS_IN_MONTH[m - 1]));
  if (!texts[2].startsWith("*") && sets[2][0] > longestMonth) {
    return {
      ok: false,
      error: `day-of-month field "${texts[2]}": no selected month has day ${sets[2][0]} (month field "${texts[3]}")`,
    };
  }

  // Second opinion: whatever node-cron would refuse to schedule we refuse as well.
  let nodeCronOk = false;
  try {
    nodeCronOk = cron.validate(trimmed);
  } catch {
    nodeCronOk = false;
  }
  if (!nodeCronOk) {
    let detail = "";
    try {
      const first = cron.validateDetailed(trimmed).errors[0];
      if (first) detail = `: ${first.field} ${JSON.stringify(first.value ?? "")}: ${first.message}`;
    } catch {
      // the verdict stands without the detail
    }
    return { ok: false, error: `cron expression "${trimmed}" is rejected by node-cron's validator${detail}` };
  }

  if (typeof timeZone !== "string" || timeZone.trim() === "") {
    return { ok: false, error: "time zone is required (an IANA name such as Europe/Berlin)" };
  }
  let zone = timeZone.trim();
  try {
    const resolved = new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
    // Take Intl's spelling only to fix letter case: its canonical names can be older aliases
    // (Asia/Kolkata → Asia/Calcutta) or other zones (EST5EDT → America/New_York).
    if (resolved.toLowerCase() === zone.toLowerCase()) zone = resolved;
  } catch {
    return { ok: false, error: `unknown time zone "${timeZone}" (expected an IANA name such as Europe/Berlin)` };
  }

  return {
    ok: true,
    rule: {
      expression: texts.join(" "),
      timeZone: zone,
      minutes: sets[0],
      hours: sets[1],
      daysOfMonth: sets[2],
      months: sets[3],
      daysOfWeek: sets[4],
      dayOfMonthRestricted: !texts[2].startsWith("*"),
      dayOfWeekRestricted: !texts[4].startsWith("*"),
    },
  };
}

/** Lookup tables derived from a rule; rules are plain data, so these are cached beside them. */
interface Compiled {
  minute: Uint8Array;
  /** nextMinute[m] = smallest allowed minute >= m, or -1. */
  nextMinute: Int8Array;
  hour: Uint8Array;
  dom: Uint8Array;
  month: Uint8Array;
  dow: Uint8Array;
  either: boolean;
}

const compiledRules = new WeakMap<RecurrenceRule, Compiled>();

function mask(values: readonly number[], size: number): Uint8Array {
  const m = new Uint8Array(size);
  for (const v of values) m[v] = 1;
  return m;
}

function compile(rule: RecurrenceRule): Compiled {
  let c = compiledRules.get(rule);
  if (c) return c;
  const minute = mask(rule.minutes, 60);
  const nextMinute = new Int8Array(61).fill(-1);
  for (let m = 59; m >= 0; m--) nextMinute[m] = minute[m] ? m : nextMinute[m + 1];
  c = {
    minute,
    nextMinute,
    hour: mask(rule.hours, 24),
    dom: mask(rule.daysOfMonth, 32),
    month: mask(rule.months, 13),
    dow: mask(rule.daysOfWeek, 7),
    either: rule.dayOfMonthRestricted && rule.dayOfWeekRestricted,
  };
  compiledRules.set(rule, c);
  return c;
}

/**
 * Smallest matching wall-clock minute >= w, or null past `limit`. Wall-clock times are encoded
 * as "naive" epoch milliseconds (the UTC instant that shows the same calendar fields), so the
 * search is plain UTC calendar arithmetic that jumps whole months, days and hours at a time.
 */
function nextWallMatch(c: Compiled, w: number, limit: number): number | null {
  while (w <= limit) {
    const d = new Date(w);
    const y = d.getUTCFullYear();
    const mo = d.getUTCMonth();
    const day = d.getUTCDate();
    const h = d.getUTCHours();
    if (!c.month[mo + 1]) {
      w = Date.UTC(y, mo + 1, 1);
      continue;
    }
    const domOk = c.dom[day] === 1;
    const dowOk = c.dow[d.getUTCDay()] === 1;
    if (!(c.either ? domOk || dowOk : domOk && dowOk)) {
      w = Date.UTC(y, mo, day + 1);
      continue;
    }
    if (!c.hour[h]) {
      w = Date.UTC(y, mo, day, h + 1);
      continue;
    }
    const m = c.nextMinute[d.getUTCMinutes()];
    if (m < 0) {
      w = Date.UTC(y, mo, day, h + 1);
      continue;
    }
    const hit = Date.UTC(y, mo, day, h, m);
    return hit <= limit ? hit : null;
  }
  return null;
}

/** A span of constant UTC offset, from `start` (UTC ms) until the next segment's start. */
interface Segment {
  start: number;
  offset: number;
}

/**
 * Maps wall-clock minutes of one zone to instants. Offsets are looked up per local day: the
 * UTC window that can show that day is sampled hourly and every change is bisected to the
 * minute. Assumes a zone never changes offset twice within one hour, which holds for tzdata.
 */
class ZoneClock {
  private readonly fmt: Intl.DateTimeFormat;
  private readonly days = new Map<number, Segment[]>();

  constructor(timeZone: string) {
    this.fmt = formatterFor(timeZone);
  }

  /** UTC offset in ms at minute-aligned instant t. */
  private offsetAt(t: number): number {
    let y = 0,
      mo = 0,
      d = 0,
      h = 0,
      mi = 0;
    for (const p of this.fmt.formatToParts(t)) {
      switch (p.type) {
        case "year":
          y = Number(p.value);
          break;
        case "month":
          mo = Number(p.value);
          break;
        case "day":
          d = Number(p.value);
          break;
        case "hour":
          h = Number(p.value);
          break;
        case "minute":
          mi = Number(p.value);
          break;
      }
    }
    return Date.UTC(y, mo - 1, d, h, mi) - t;
  }

  private segmentsForDay(dayStart: number): Segment[] {
    const cached = this.days.get(dayStart);
    if (cached) return cached;
    // Every instant whose local date is this day, and every gap end for a time on it, lies here.
    const from = dayStart - MAX_EAST_MS - HOUR_MS;
    const to = dayStart + DAY_MS + MAX_WEST_MS + HOUR_MS;
    let prevT = from;
    let prevOff = this.offsetAt(from);
    const segs: Segment[] = [{ start: from, offset: prevOff }];
    for (let t = from + HOUR_MS; t <= to; t += HOUR_MS) {
      const off = this.offsetAt(t);
      if (off !== prevOff) {
        let lo = prevT;
        let hi = t;
        while (hi - lo > MINUTE_MS) {
          const mid = lo + Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS;
          if (this.offsetAt(mid) === prevOff) lo = mid;
          else hi = mid;
        }
        segs.push({ start: hi, offset: off });
      }
      prevT = t;
      prevOff = off;
    }
    this.days.set(dayStart, segs);
    return segs;
  }

  /**
   * The instant a wall-clock minute happens: the earliest instant showing it (fall back), or,
   * when the clock skips it (spring forward), the first instant after the gap.
   */
  resolve(wall: number): number {
    const segs = this.segmentsForDay(Math.floor(wall / DAY_MS) * DAY_MS);
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < segs.length; i++) {
      const t = wall - segs[i].offset;
      const end = i + 1 < segs.length ? segs[i + 1].start : Number.POSITIVE_INFINITY;
      if (t >= segs[i].start && t < end && t < best) best = t;
    }
    if (best !== Number.POSITIVE_INFINITY) return best;
    for (let i = 1; i < segs.length; i++) {
      const b = segs[i].start;
      // Just before b the clock reads up to b+offsetBefore, from b on it reads b+offsetAfter.
      if (b + segs[i - 1].offset <= wall && wall < b + segs[i].offset) return b;
    }
    // Unreachable for a window built as above; fall back to the first offset.
    return wall - segs[0].offset;
  }
}

/** Occurrence instants (UTC ms) in [fromMs, toMs), ascending and distinct. */
function* occurrenceInstants(rule: RecurrenceRule, fromMs: number, toMs: number): Generator<number> {
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs)) return;
  const start = Math.ceil(fromMs / MINUTE_MS) * MINUTE_MS;
  if (start >= toMs) return;
  const c = compile(rule);
  const clock = new ZoneClock(rule.timeZone);
  // A wall time w happens (or is shifted to) somewhere in [w - 14h, w + 12h], so only wall
  // times in this band can land in [start, toMs).
  let w = start - MAX_WEST_MS - MINUTE_MS;
  const limit = toMs + MAX_EAST_MS + MINUTE_MS;
  let last = Number.NEGATIVE_INFINITY;
  for (;;) {
    const hit = nextWallMatch(c, w, limit);
    if (hit === null) return;
    w = hit + MINUTE_MS;
    const t = clock.resolve(hit);
    // Instants grow with wall time, so the first one past the range ends the search.
    if (t >= toMs) return;
    // `t <= last`: several skipped times of one gap map to the same instant; keep one.
    if (t < start || t <= last) continue;
    last = t;
    yield t;
  }
}

/**
 * Start instants (UTC) in [from, to) at which the wall clock in the rule's zone matches the
 * rule, ascending, at most `max` of them. `from` is rounded up to a whole minute.
 *
 * Daylight saving:
 *  - a matching local time that does not exist (spring forward, e.g. 02:30 when clocks jump
 *    02:00→03:00) occurs once, at the first instant after the gap (03:00 local);
 *  - a matching local time that happens twice (fall back, e.g. 01:30 when clocks go
 *    02:00→01:00) occurs once, at the first of the two instants.
 */
export function occurrencesBetween(rule: RecurrenceRule, from: Date, to: Date, max = 500): Date[] {
  const out: Date[] = [];
  if (!(max > 0)) return out;
  for (const t of occurrenceInstants(rule, from.getTime(), to.getTime())) {
    out.push(new Date(t));
    if (out.length >= max) break;
  }
  return out;
}

/**
 * Smallest distance in minutes between consecutive occurrences within `horizonDays` of
 * `from`, or null with fewer than two. Measured in real elapsed time, so DST changes can make
 * it shorter than the wall-clock spacing (a rule firing every 6 hours has a 300-minute gap on
 * a spring-forward day in New York). A window longer than this would overlap the next one.
 */
export function minimumGapMinutes(rule: RecurrenceRule, from: Date, horizonDays = 14): number | null {
  const fromMs = from.getTime();
  let prev: number | null = null;
  let best: number | null = null;
  for (const t of occurrenceInstants(rule, fromMs, fromMs + horizonDays * DAY_MS)) {
    if (prev !== null) {
      const gap = (t - prev) / MINUTE_MS;
      if (best === null || gap < best) best = gap;
      // Occurrences are distinct whole minutes: nothing can beat 1.
      if (best <= 1) return best;
    }
    prev = t;
  }
  return best;
}

function joinEnglish(items: string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/**
 * Short English for common shapes, e.g. "every Sunday at 02:30 (Europe/Berlin)"; anything
 * else is shown as `cron "…" (zone)`.
 */
export function describeRecurrence(rule: RecurrenceRule): string {
  const fallback = `cron "${rule.expression}" (${rule.timeZone})`;
  if (rule.minutes.length !== 1 || rule.hours.length !== 1 || rule.months.length !== 12) return fallback;
  const at = `at ${String(rule.hours[0]).padStart(2, "0")}:${String(rule.minutes[0]).padStart(2, "0")} (${rule.timeZone})`;
  const allDom = rule.daysOfMonth.length === 31;
  const allDow = rule.daysOfWeek.length === 7;
  const either = rule.dayOfMonthRestricted && rule.dayOfWeekRestricted;
  // With OR semantics one full day field makes every day match; with AND it drops out.
  if (allDom && allDow) return `every day ${at}`;
  if (either && (allDom || allDow)) return `every day ${at}`;
  if (either) return fallback;
  if (allDom) {
    const dows = rule.daysOfWeek;
    if (dows.join() === "1,2,3,4,5") return `every weekday ${at}`;
    // Listed Monday first, as people read a week.
    const ordered = [...dows.filter((d) => d !== 0), ...dows.filter((d) => d === 0)];
    return `every ${joinEnglish(ordered.map((d) => WEEKDAY_LABELS[d]))} ${at}`;
  }
  if (allDow) {
    const doms = rule.daysOfMonth.map(String);
    return `on day${doms.length === 1 ? "" : "s"} ${joinEnglish(doms)} of every month ${at}`;
  }
  return fallback;
}
