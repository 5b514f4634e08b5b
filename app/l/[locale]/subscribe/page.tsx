import { SubscribeView, subscribeMetadata } from "@/app/_ui/subscription-views";
import { otherLocale } from "@/app/_ui/route-locale";

// The sign-up page in a language other than English, served at /subscribe (scripts/locale-routing.mjs).
export const dynamic = "force-dynamic";

type Params = { params: Promise<{ locale: string }> };

export async function generateMetadata({ params }: Params) {
  return subscribeMetadata(await otherLocale(params));
}

export default async function Subscribe({ params }: Params) {
  return <SubscribeView locale={await otherLocale(params)} />;
}
