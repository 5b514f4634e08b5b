import type { DailyBar } from "@/monitors/queries/daily-bars";

/**
 * The titles of the incidents the bars' days mention, once per page (the bars carry only
 * their ids); public/bars.js reads them for the day's details. Rendered only when there are some.
 */
export function IncidentTitles({ bars }: { bars: DailyBar[] }) {
  const titles = Object.fromEntries(bars.flatMap((b) => b.incidents.map((i) => [i.id, i.title])));
  if (!Object.keys(titles).length) return null;
  return <div id="incident-titles" hidden data-titles={JSON.stringify(titles)} />;
}
