import { BASE_LOCALE } from "@/monitors/i18n/locales";
import { HistoryView, historyMetadata } from "../_ui/history-view";

// `?before=` makes each page its own URL; without it the page is the last 90 days.
// This file is the English page; app/l/[locale]/history/page.tsx renders the others.
export const dynamic = "force-dynamic";

export const generateMetadata = () => historyMetadata(BASE_LOCALE);

export default async function History({ searchParams }: { searchParams: Promise<{ before?: string }> }) {
  return <HistoryView before={(await searchParams).before} locale={BASE_LOCALE} />;
}
