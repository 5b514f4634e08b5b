import type { DailyBar } from "./daily-bars";
import { formatPercent } from "./format";

/** One day in words, shared by the server (aria-valuetext) and the tooltip script. */
export function describeDayParts(date: string, ratio: number | null, downtimeMinutes: number, maintenanceMinutes: number): string[] {
  const parts = [date];
  parts.push(ratio === null ? (maintenanceMinutes ? "maintenance only" : "no data") : `${formatPercent(ratio)} uptime`);
  if (ratio !== null) parts.push(downtimeMinutes ? `${downtimeMinutes} min down` : "no downtime");
  if (maintenanceMinutes) parts.push(`${maintenanceMinutes} min maintenance`);
  return parts;
}

export function describeDay(b: DailyBar): string {
  return describeDayParts(b.date, b.ratio, b.downtimeMinutes, b.maintenanceMinutes).join(", ");
}
