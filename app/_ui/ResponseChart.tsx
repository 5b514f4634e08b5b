"use client";
import { useState } from "react";
import { Area, AreaChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { ChartRange, LatencyPoint, PhasePoint } from "../../monitors/queries/response-series";

const RANGES: ChartRange[] = ["24h", "7d", "30d"];

function tick(range: ChartRange) {
  return (t: number) => {
    const d = new Date(t);
    return range === "24h" ? d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" }) : d.toLocaleDateString(undefined, { month: "short", day: "numeric" });
  };
}

/** Response time (p50 and p95 from the rollup histograms) and the last day's phases, stacked. */
export function ResponseChart({ latency, phases }: { latency: Record<ChartRange, LatencyPoint[]>; phases: PhasePoint[] }) {
  const [range, setRange] = useState<ChartRange>("24h");
  const data = latency[range];
  return (
    <div className="chart" data-testid="response-chart">
      <div className="chart-tabs" role="group" aria-label="Chart range">
        {RANGES.map((r) => (
          <button key={r} type="button" aria-pressed={r === range} onClick={() => setRange(r)}>
            {r}
          </button>
        ))}
      </div>
      {data.length === 0 ? (
        <p className="meta">No response times in this range yet.</p>
      ) : (
        <ResponsiveContainer width="100%" height={220}>
          <LineChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
            <XAxis dataKey="t" type="number" domain={["dataMin", "dataMax"]} scale="time" tickFormatter={tick(range)} stroke="var(--muted)" fontSize={12} />
            <YAxis unit=" ms" stroke="var(--muted)" fontSize={12} width={64} />
            <Tooltip labelFormatter={(t) => new Date(Number(t)).toLocaleString()} formatter={(v) => `${v} ms`} contentStyle={{ background: "var(--card)", border: "1px solid var(--border)" }} />
            <Legend />
            <Line type="monotone" dataKey="p50" name="p50" stroke="var(--up)" dot={false} isAnimationActive={false} />
            <Line type="monotone" dataKey="p95" name="p95" stroke="var(--degraded)" dot={false} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      )}
      <h3 className="chart-title">Where the time goes (last 24 h, hourly averages)</h3>
      {phases.length === 0 ? (
        <p className="meta">No phase timings in the last day.</p>
      ) : (
        <ResponsiveContainer width="100%" height={200}>
          <AreaChart data={phases} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
            <XAxis dataKey="t" type="number" domain={["dataMin", "dataMax"]} scale="time" tickFormatter={tick("24h")} stroke="var(--muted)" fontSize={12} />
            <YAxis unit=" ms" stroke="var(--muted)" fontSize={12} width={64} />
            <Tooltip labelFormatter={(t) => new Date(Number(t)).toLocaleString()} formatter={(v) => `${v} ms`} contentStyle={{ background: "var(--card)", border: "1px solid var(--border)" }} />
            <Legend />
            <Area type="monotone" dataKey="dns" name="DNS" stackId="1" stroke="#8e6cd9" fill="#8e6cd9" isAnimationActive={false} />
            <Area type="monotone" dataKey="connect" name="Connect" stackId="1" stroke="#2f9fb8" fill="#2f9fb8" isAnimationActive={false} />
            <Area type="monotone" dataKey="tls" name="TLS" stackId="1" stroke="#3b6fd8" fill="#3b6fd8" isAnimationActive={false} />
            <Area type="monotone" dataKey="firstByte" name="First byte" stackId="1" stroke="#c27c0e" fill="#c27c0e" isAnimationActive={false} />
            <Area type="monotone" dataKey="transfer" name="Transfer" stackId="1" stroke="#6b7684" fill="#6b7684" isAnimationActive={false} />
          </AreaChart>
        </ResponsiveContainer>
      )}
    </div>
  );
}
