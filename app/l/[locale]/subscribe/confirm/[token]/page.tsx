import { ConfirmView, confirmMetadata } from "@/app/_ui/subscription-views";
import { otherLocale } from "@/app/_ui/route-locale";

// The confirmation page in a language other than English, served at /subscribe/confirm/<token>.
export const dynamic = "force-dynamic";

type Params = { params: Promise<{ locale: string; token: string }> };

export async function generateMetadata({ params }: Params) {
  return confirmMetadata(await otherLocale(params));
}

export default async function ConfirmSubscription({ params }: Params) {
  return <ConfirmView token={(await params).token} locale={await otherLocale(params)} />;
}
