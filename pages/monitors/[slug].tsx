import type { GetStaticPaths, GetStaticProps } from "next";
import { BASE_LOCALE } from "@/monitors/i18n/locales";
import { MonitorView, type MonitorProps } from "@/app/_ui/monitor-view";
import { monitorProps } from "@/app/_ui/monitor-props";

// A monitor's page runs no React in the browser, for the home page's reason (pages/index.tsx): the
// App Router's hydration was most of a phone's blocking time here. Its few scripts are plain, and
// the chart's React comes only when the chart scrolls into view (public/chart-loader.js).
// This file is the English page; pages/l/[locale]/monitors/[slug].tsx renders the others.
export const config = { unstable_runtimeJS: false };

// Cached and regenerated at most every 4 s like the home page; none is built ahead, each is
// rendered on its first request ("blocking"), and an unknown slug is a 404 that is asked again later.
export const getStaticPaths: GetStaticPaths = async () => ({ paths: [], fallback: "blocking" });

export const getStaticProps: GetStaticProps<MonitorProps> = ({ params }) => monitorProps(params?.slug, BASE_LOCALE);

export default MonitorView;
