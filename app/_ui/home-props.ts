import { sharedDb } from "@/monitors/queries/shared-db";
import { getStatusPage } from "@/monitors/queries/status-page";
import { isLocale } from "@/monitors/i18n/locales";
import { toProps } from "./page-props";

// Apart from the view (home-view.tsx): only getStaticProps imports this, so Next.js leaves the
// database code out of the page's browser build.

/** Props of the home page in `locale`; regenerated at most every 4 s (pages/index.tsx says why). */
export async function homeProps(locale: unknown) {
  if (!isLocale(locale)) return { notFound: true as const, revalidate: 60 };
  const page = await getStatusPage(await sharedDb());
  return { props: { page: toProps(page), subscribe: Boolean(process.env.SMTP_URL), locale }, revalidate: 4 };
}
