import Head from "next/head";
import type { StatusPage } from "@/monitors/queries/status-page";
import type { Locale } from "@/monitors/i18n/locales";
import { translator } from "@/monitors/i18n/translator";
import { StatusHome } from "./StatusHome";
import { fromProps, type toProps } from "./page-props";

// The home page in one language, shared by pages/index.tsx (English, at /) and
// pages/l/[locale]/index.tsx (the other languages, which the web server serves at / too).

export type HomeProps = { page: ReturnType<typeof toProps>; subscribe: boolean; locale: Locale };

export function HomeView(props: HomeProps) {
  const page = fromProps<StatusPage>(props.page);
  const tr = translator(props.locale);
  return (
    <>
      <Head>
        <title>{tr.t("page.title", { overall: tr.t(`overall.${page.overall}`) })}</title>
        <meta name="description" content={tr.t("site.description")} />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <link rel="icon" href={`/favicon-${page.overall}.svg`} type="image/svg+xml" />
        <script src="/bars.js" defer />
        <script src="/local-time.js" defer />
      </Head>
      <main className="container">
        <StatusHome page={page} subscribe={props.subscribe} tr={tr} />
      </main>
    </>
  );
}
