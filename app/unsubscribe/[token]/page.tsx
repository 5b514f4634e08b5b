import { BASE_LOCALE } from "@/monitors/i18n/locales";
import { UnsubscribeView, unsubscribeMetadata } from "@/app/_ui/subscription-views";

// This file is the English page; app/l/[locale]/unsubscribe/[token]/page.tsx renders the others.
export const dynamic = "force-dynamic";
export const metadata = unsubscribeMetadata(BASE_LOCALE);

export default async function Unsubscribe({ params }: { params: Promise<{ token: string }> }) {
  return <UnsubscribeView token={(await params).token} locale={BASE_LOCALE} />;
}
