import { notFound } from "next/navigation";
import { sharedDb } from "@/monitors/queries/shared-db";
import { loadPublicComponents } from "@/monitors/queries/status-page";
import type { Locale } from "@/monitors/i18n/locales";
import { translator } from "@/monitors/i18n/translator";
import { SubscribeForm } from "./SubscribeForm";
import { PagePrefs } from "./PagePrefs";

// The sign-up page and the pages its mails link to, in one language: shared by app/subscribe/…,
// app/unsubscribe/… (English) and app/l/[locale]/… (the others, which the web process serves at
// the same addresses to readers who ask for the language, scripts/locale-routing.mjs).

const PRIVATE = { index: false };

export function subscribeMetadata(locale: Locale) {
  const tr = translator(locale);
  return { title: tr.t("page.titleOf", { title: tr.t("subscribe.title") }) };
}

/** The sign-up form has a page of its own, so the home page ships no React for it. */
export async function SubscribeView({ locale }: { locale: Locale }) {
  // Without SMTP there is nothing to subscribe to (the home page then shows no link here).
  if (!process.env.SMTP_URL) notFound();
  const tr = translator(locale);
  const { monitors } = await loadPublicComponents(await sharedDb(), Date.now());
  return (
    <>
      <PagePrefs tr={tr} />
      <p>
        <a href="/">{tr.t("monitor.back")}</a>
      </p>
      <SubscribeForm
        components={monitors.map((m) => ({ slug: m.slug, name: m.name }))}
        words={{
          title: tr.t("subscribe.title"),
          email: tr.t("subscribe.email"),
          button: tr.t("subscribe.button"),
          some: tr.t("subscribe.some"),
          sent: tr.t("subscribe.checkInbox"),
          unreachable: tr.t("subscribe.unreachable"),
        }}
      />
    </>
  );
}

export function confirmMetadata(locale: Locale) {
  const tr = translator(locale);
  return { title: tr.t("page.titleOf", { title: tr.t("confirm.button") }), robots: PRIVATE };
}

export function ConfirmView({ token, locale }: { token: string; locale: Locale }) {
  const tr = translator(locale);
  return (
    <section className="ack">
      <h1>{tr.t("subscription.confirmTitle")}</h1>
      <p>{tr.t("subscription.confirmText")}</p>
      <form method="post" action={`/subscribe/confirm/${encodeURIComponent(token)}/submit`}>
        <button type="submit">{tr.t("subscription.confirm")}</button>
      </form>
    </section>
  );
}

export function resultMetadata(locale: Locale) {
  const tr = translator(locale);
  return { title: tr.t("page.titleOf", { title: tr.t("subscription.title") }), robots: PRIVATE };
}

const RESULTS = {
  confirmed: "subscription.confirmed",
  unsubscribed: "subscription.unsubscribed",
  invalid: "subscription.invalid",
} as const;

export function ResultView({ r, locale }: { r: string | string[] | undefined; locale: Locale }) {
  const tr = translator(locale);
  const key = typeof r === "string" && Object.hasOwn(RESULTS, r) ? (r as keyof typeof RESULTS) : "invalid";
  return (
    <section className="ack">
      <h1>{tr.t("subscription.title")}</h1>
      <p role="status" data-testid="subscription-result">
        {tr.t(RESULTS[key])}
      </p>
      <p>
        <a href="/">{tr.t("subscription.back")}</a>
      </p>
    </section>
  );
}

export function unsubscribeMetadata(locale: Locale) {
  const tr = translator(locale);
  return { title: tr.t("page.titleOf", { title: tr.t("unsubscribe.title") }), robots: PRIVATE };
}

export function UnsubscribeView({ token, locale }: { token: string; locale: Locale }) {
  const tr = translator(locale);
  return (
    <section className="ack">
      <h1>{tr.t("unsubscribe.title")}</h1>
      <p>{tr.t("unsubscribe.question")}</p>
      <form method="post" action={`/api/unsubscribe/${encodeURIComponent(token)}`}>
        <button type="submit">{tr.t("unsubscribe.button")}</button>
      </form>
    </section>
  );
}
