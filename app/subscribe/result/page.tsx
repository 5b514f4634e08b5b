import { BASE_LOCALE } from "@/monitors/i18n/locales";
import { ResultView, resultMetadata } from "../../_ui/subscription-views";

// This file is the English page; app/l/[locale]/subscribe/result/page.tsx renders the others.
export const dynamic = "force-dynamic";
export const metadata = resultMetadata(BASE_LOCALE);

export default async function SubscriptionResult({ searchParams }: { searchParams: Promise<{ r?: string | string[] }> }) {
  return <ResultView r={(await searchParams).r} locale={BASE_LOCALE} />;
}
