"use client";
import { useState } from "react";
import { Area, AreaChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { ChartRange, LatencyPoint, PhasePoint } from "@/monitors/queries/response-series";

const RANGES: ChartRange[] = ["24h", "7d", "30d"];

/** The chart's words in the page's language (chartWords in MonitorDetail.tsx); English without them. */
export interface ChartWords {
  range: string;
  empty: string;
  phasesTitle: string;
  noPhases: string;
  /** "{n} ms" in the page's language. */
  ms: string;
  ranges: Record<ChartRange, string>;
  phases: Record<"dns" | "connect" | "tls" | "firstByte" | "transfer", string>;
}

const ENGLISH: ChartWords = {
  range: "Chart range",
  empty: "No response times in this range yet.",
  phasesTitle: "Where the time goes (last 24 h, hourly averages)",
  noPhases: "No phase timings in the last day.",
  ms: "{n} ms",
  ranges: { "24h": "24h", "7d": "7d", "30d": "30d" },
  phases: { dns: "DNS", connect: "Connect", tls: "TLS", firstByte: "First byte", transfer: "Transfer" },
};

/** The page's language (<html lang>), for the axis and tooltip dates. */
type Phase = keyof ChartWords["phases"];
/** The stacked phases in the order of a request, each in its theme colour (app/globals.css, --ph-*, checked for contrast in both themes). */
const PHASES: Array<[Phase, string]> = [
  ["dns", "var(--ph-dns)"],
  ["connect", "var(--ph-connect)"],
  ["tls", "var(--ph-tls)"],
  ["firstByte", "var(--ph-first-byte)"],
  ["transfer", "var(--ph-transfer)"],
];

const pageLang = () => (typeof document !== "undefined" && document.documentElement.lang) || undefined;

function tick(range: ChartRange) {
  return (t: number) => {
    const d = new Date(t);
    return range === "24h"
      ? d.toLocaleTimeString(pageLang(), { hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
      : d.toLocaleDateString(pageLang(), { month: "short", day: "numeric" });
  };
}

/** Response time (p50 and p95 from the rollup histograms) and the last day's phases, stacked. */
export function ResponseChart({
  latency,
  phases,
  words = ENGLISH,
}: {
  latency: Record<ChartRange, LatencyPoint[]>;
  phases: PhasePoint[];
  words?: ChartWords;
}) {
  const [range, setRange] = useState<ChartRange>("24h");
  const data = latency[range];
  const ms = (v: unknown) => words.ms.replace("{n}", Number(v).toLocaleString(pageLang()));
  const unit = ` ${words.ms.replace("{n}", "").trim()}`;
  // Both charts share their axes and tooltip (spread as props: recharts reads its children's types).
  const timeAxis = {
    dataKey: "t",
    type: "number",
    domain: ["dataMin", "dataMax"],
    scale: "time",
    stroke: "var(--muted)",
    fontSize: 12,
  } as const;
  const valueAxis = { unit, stroke: "var(--muted)", fontSize: 12, width: 64 };
  const tooltip = {
    labelFormatter: (t: unknown) => new Date(Number(t)).toLocaleString(pageLang(), { hourCycle: "h23" }),
    formatter: (v: unknown) => ms(v),
    contentStyle: { background: "var(--card)", border: "1px solid var(--border)" },
  };
  return (
    <div className="chart" data-testid="response-chart">
      <fieldset className="chart-tabs" aria-label={words.range}>
        {RANGES.map((r) => (
          <button key={r} type="button" aria-pressed={r === range} onClick={() => setRange(r)}>
            {words.ranges[r]}
          </button>
        ))}
      </fieldset>
      {data.length === 0 ? (
        <p className="meta">{words.empty}</p>
      ) : (
        <ResponsiveContainer width="100%" height={220}>
          <LineChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
            <XAxis {...timeAxis} tickFormatter={tick(range)} />
            <YAxis {...valueAxis} />
            <Tooltip {...tooltip} />
            <Legend />
            <Line type="monotone" dataKey="p50" name="p50" stroke="var(--up)" dot={false} isAnimationActive={false} />
            <Line type="monotone" dataKey="p95" name="p95" stroke="var(--degraded)" dot={false} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      )}
      <h3 className="chart-title">{words.phasesTitle}</h3>
      {phases.length === 0 ? (
        <p className="meta">{words.noPhases}</p>
      ) : (
        <ResponsiveContainer width="100%" height={200}>
          <AreaChart data={phases} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
            <XAxis {...timeAxis} tickFormatter={tick("24h")} />
            <YAxis {...valueAxis} />
            <Tooltip {...tooltip} />
            <Legend />
            {PHASES.map(([key, colour]) => (
              <Area
                key={key}
                type="monotone"
                dataKey={key}
                name={words.phases[key]}
                stackId="1"
                stroke={colour}
                fill={colour}
                isAnimationActive={false}
              />
            ))}
          </AreaChart>
        </ResponsiveContainer>
      )}
    </div>
  );
}
