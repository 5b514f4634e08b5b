import { sharedDb } from "@/monitors/queries/shared-db";
import { getMonitorPage } from "@/monitors/queries/monitor-page";
import { getOverallStatus } from "@/monitors/queries/status-page";
import { isLocale } from "@/monitors/i18n/locales";
import { toProps } from "./page-props";

// Apart from the view (monitor-view.tsx): only getStaticProps imports this, so Next.js leaves the
// database code out of the page's browser build.

/** Props of a monitor's page in `locale`; an unknown slug or language is a 404 asked again later. */
export async function monitorProps(slug: unknown, locale: unknown) {
  if (!isLocale(locale)) return { notFound: true as const, revalidate: 60 };
  const db = await sharedDb();
  const page = await getMonitorPage(db, String(slug ?? ""));
  if (!page) return { notFound: true as const, revalidate: 4 };
  return {
    props: { page: toProps(page), overall: await getOverallStatus(db), publicUrl: process.env.PUBLIC_URL ?? null, locale },
    revalidate: 4,
  };
}
