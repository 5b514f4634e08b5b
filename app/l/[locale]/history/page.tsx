import { HistoryView, historyMetadata } from "@/app/_ui/history-view";
import { otherLocale } from "@/app/_ui/route-locale";

// The history page in a language other than English, served at /history by the web process to
// readers who ask for the language (scripts/locale-routing.mjs); see app/history/page.tsx.
export const dynamic = "force-dynamic";

type Params = { params: Promise<{ locale: string }> };

export async function generateMetadata({ params }: Params) {
  return historyMetadata(await otherLocale(params));
}

export default async function History({ params, searchParams }: Params & { searchParams: Promise<{ before?: string }> }) {
  return <HistoryView before={(await searchParams).before} locale={await otherLocale(params)} />;
}
