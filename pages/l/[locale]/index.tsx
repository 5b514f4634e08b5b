import type { GetStaticPaths, GetStaticProps } from "next";
import { BASE_LOCALE } from "@/monitors/i18n/locales";
import { HomeView, type HomeProps } from "@/app/_ui/home-view";
import { homeProps } from "@/app/_ui/home-props";

// The home page in a language other than English. Readers do not type this path: the web server
// serves it at / to those whose browser or switcher asks for the language (scripts/web-server.mjs).
export const config = { unstable_runtimeJS: false };

export const getStaticPaths: GetStaticPaths = async () => ({ paths: [], fallback: "blocking" });

// English has one address, /.
export const getStaticProps: GetStaticProps<HomeProps> = ({ params }) =>
  params?.locale === BASE_LOCALE ? { notFound: true, revalidate: 60 } : homeProps(params?.locale);

export default HomeView;
