import { UnsubscribeView, unsubscribeMetadata } from "@/app/_ui/subscription-views";
import { otherLocale } from "@/app/_ui/route-locale";

// The unsubscribe page in a language other than English, served at /unsubscribe/<token>.
export const dynamic = "force-dynamic";

type Params = { params: Promise<{ locale: string; token: string }> };

export async function generateMetadata({ params }: Params) {
  return unsubscribeMetadata(await otherLocale(params));
}

export default async function Unsubscribe({ params }: Params) {
  return <UnsubscribeView token={(await params).token} locale={await otherLocale(params)} />;
}
