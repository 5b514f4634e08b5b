import type { GetStaticPaths, GetStaticProps } from "next";
import { BASE_LOCALE } from "@/monitors/i18n/locales";
import { MonitorView, type MonitorProps } from "@/app/_ui/monitor-view";
import { monitorProps } from "@/app/_ui/monitor-props";

// A monitor's page in a language other than English, served at /monitors/<slug> by the web server
// to readers who ask for the language (scripts/web-server.mjs); see pages/monitors/[slug].tsx.
export const config = { unstable_runtimeJS: false };

export const getStaticPaths: GetStaticPaths = async () => ({ paths: [], fallback: "blocking" });

export const getStaticProps: GetStaticProps<MonitorProps> = ({ params }) =>
  params?.locale === BASE_LOCALE ? { notFound: true, revalidate: 60 } : monitorProps(params?.slug, params?.locale);

export default MonitorView;
