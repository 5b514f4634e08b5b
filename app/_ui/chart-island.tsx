// The response-time chart on its own, for pages that run no React: scripts/build-islands.mjs
// bundles this file with React and recharts into public/_island/response-chart.js, which
// public/chart-loader.js loads when a chart slot scrolls into view. Each slot carries its series
// as JSON (data-chart-series, written by app/_ui/MonitorDetail.tsx).
import { createRoot } from "react-dom/client";
import { ResponseChart } from "./ResponseChart";

for (const slot of document.querySelectorAll<HTMLElement>("[data-chart-series]")) {
  const series = JSON.parse(slot.dataset.chartSeries ?? "{}");
  createRoot(slot).render(<ResponseChart latency={series.latency} phases={series.phases} words={series.words} />);
}
