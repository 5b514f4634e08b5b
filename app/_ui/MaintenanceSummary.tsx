import type { PublicMaintenance } from "@/monitors/queries/maintenance";
import { MarkdownBody } from "./MarkdownBody";
import { LocalTime } from "./LocalTime";
import { translator, type Translator } from "@/monitors/i18n/translator";
import { BASE_LOCALE } from "@/monitors/i18n/locales";

export function MaintenanceSummary({ maintenance, tr = translator(BASE_LOCALE) }: { maintenance: PublicMaintenance; tr?: Translator }) {
  return (
    <article className="notice maintenance" id={`maintenance-${maintenance.id}`} data-testid="maintenance">
      <h3>{maintenance.title}</h3>
      <div className="meta">
        {tr.t(
          maintenance.status === "in_progress"
            ? "maintenance.in_progress"
            : maintenance.status === "scheduled"
              ? "maintenance.scheduled"
              : "maintenance.completed",
        )}{" "}
        · <LocalTime iso={maintenance.startsAt.toISOString()} text={tr.utc(maintenance.startsAt)} /> –{" "}
        <LocalTime iso={maintenance.endsAt.toISOString()} text={tr.utc(maintenance.endsAt)} />
        {maintenance.monitors.length > 0 && <> · {maintenance.monitors.map((m) => m.name).join(", ")}</>}
      </div>
      {maintenance.body && <MarkdownBody source={maintenance.body} />}
    </article>
  );
}
