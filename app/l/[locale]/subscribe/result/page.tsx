import { ResultView, resultMetadata } from "@/app/_ui/subscription-views";
import { otherLocale } from "@/app/_ui/route-locale";

// The sign-up's outcome in a language other than English, served at /subscribe/result.
export const dynamic = "force-dynamic";

type Params = { params: Promise<{ locale: string }> };

export async function generateMetadata({ params }: Params) {
  return resultMetadata(await otherLocale(params));
}

export default async function SubscriptionResult({ params, searchParams }: Params & { searchParams: Promise<{ r?: string | string[] }> }) {
  return <ResultView r={(await searchParams).r} locale={await otherLocale(params)} />;
}
