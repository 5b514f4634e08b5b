import { BASE_LOCALE } from "@/monitors/i18n/locales";
import { SubscribeView, subscribeMetadata } from "../_ui/subscription-views";

// This file is the English page; app/l/[locale]/subscribe/page.tsx renders the others.
export const dynamic = "force-dynamic";
export const metadata = subscribeMetadata(BASE_LOCALE);

export default function Subscribe() {
  return <SubscribeView locale={BASE_LOCALE} />;
}
