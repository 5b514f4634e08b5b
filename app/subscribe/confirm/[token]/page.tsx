import { BASE_LOCALE } from "@/monitors/i18n/locales";
import { ConfirmView, confirmMetadata } from "@/app/_ui/subscription-views";

// This file is the English page; app/l/[locale]/subscribe/confirm/[token]/page.tsx renders the others.
export const dynamic = "force-dynamic";
export const metadata = confirmMetadata(BASE_LOCALE);

export default async function ConfirmSubscription({ params }: { params: Promise<{ token: string }> }) {
  return <ConfirmView token={(await params).token} locale={BASE_LOCALE} />;
}
