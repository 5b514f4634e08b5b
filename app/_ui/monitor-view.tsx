import Head from "next/head";
import type { MonitorPage } from "@/monitors/queries/monitor-page";
import type { OverallStatus } from "@/monitors/queries/overall-status";
import type { Locale } from "@/monitors/i18n/locales";
import { translator } from "@/monitors/i18n/translator";
import { MonitorDetail } from "./MonitorDetail";
import { fromProps, type toProps } from "./page-props";

// A monitor's page in one language, shared by pages/monitors/[slug].tsx (English) and
// pages/l/[locale]/monitors/[slug].tsx (the other languages).

export type MonitorProps = { page: ReturnType<typeof toProps>; overall: OverallStatus; publicUrl: string | null; locale: Locale };

export function MonitorView(props: MonitorProps) {
  const page = fromProps<MonitorPage>(props.page);
  const tr = translator(props.locale);
  return (
    <>
      <Head>
        <title>{tr.t("monitor.title", { name: page.name })}</title>
        <meta name="description" content={tr.t("monitor.description", { name: page.name })} />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <link rel="icon" href={`/favicon-${props.overall}.svg`} type="image/svg+xml" />
        <script src="/bars.js" defer />
        <script src="/local-time.js" defer />
        <script src="/embed-origin.js" defer />
        <script src="/chart-loader.js" defer />
      </Head>
      <main className="container">
        <MonitorDetail page={page} publicUrl={props.publicUrl} tr={tr} />
      </main>
    </>
  );
}
