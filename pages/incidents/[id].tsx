import type { GetStaticPaths, GetStaticProps } from "next";
import { BASE_LOCALE } from "@/monitors/i18n/locales";
import { IncidentView, type IncidentProps } from "@/app/_ui/incident-view";
import { incidentProps } from "@/app/_ui/incident-props";

// An incident's page is in the Pages Router with the home and monitor pages: cached and regenerated
// at most every 4 s, with <html lang> from its props (pages/_document.tsx) so the cached page
// still knows its language, and no React in the browser. None is built ahead; each is rendered on
// its first request. This file is the English page; pages/l/[locale]/incidents/[id].tsx renders the others.
export const config = { unstable_runtimeJS: false };

export const getStaticPaths: GetStaticPaths = async () => ({ paths: [], fallback: "blocking" });

export const getStaticProps: GetStaticProps<IncidentProps> = ({ params }) => incidentProps(params?.id, BASE_LOCALE);

export default IncidentView;
