import type { GetStaticPaths, GetStaticProps } from "next";
import { BASE_LOCALE } from "@/monitors/i18n/locales";
import { IncidentView, type IncidentProps } from "@/app/_ui/incident-view";
import { incidentProps } from "@/app/_ui/incident-props";

// An incident's page in a language other than English, served at /incidents/<id> by the web
// server to readers who ask for the language (scripts/locale-routing.mjs); see pages/incidents/[id].tsx.
export const config = { unstable_runtimeJS: false };

export const getStaticPaths: GetStaticPaths = async () => ({ paths: [], fallback: "blocking" });

export const getStaticProps: GetStaticProps<IncidentProps> = ({ params }) =>
  params?.locale === BASE_LOCALE ? { notFound: true, revalidate: 60 } : incidentProps(params?.id, params?.locale);

export default IncidentView;
