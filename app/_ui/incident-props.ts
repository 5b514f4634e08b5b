import { sharedDb } from "@/monitors/queries/shared-db";
import { publicIncident } from "@/monitors/queries/incidents";
import { getOverallStatus } from "@/monitors/queries/status-page";
import { isLocale } from "@/monitors/i18n/locales";
import { toProps } from "./page-props";

// Apart from the view (incident-view.tsx): only getStaticProps imports this, so Next.js leaves the
// database code out of the page's browser build.

/** Props of an incident's page in `locale`; an unknown id or language is a 404 asked again later. */
export async function incidentProps(id: unknown, locale: unknown) {
  if (!isLocale(locale)) return { notFound: true as const, revalidate: 60 };
  const raw = String(id ?? "");
  const db = await sharedDb();
  const incident = /^\d{1,12}$/.test(raw) ? await publicIncident(db, Number(raw)) : null;
  if (!incident) return { notFound: true as const, revalidate: 4 };
  // "Ongoing for" is measured up to the render: the page is rendered again at most 4 s later.
  return { props: { incident: toProps(incident), overall: await getOverallStatus(db), renderedAt: Date.now(), locale }, revalidate: 4 };
}
