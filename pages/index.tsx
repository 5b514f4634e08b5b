import type { GetStaticProps } from "next";
import { BASE_LOCALE } from "../monitors/i18n/locales";
import { HomeView, type HomeProps } from "../app/_ui/home-view";
import { homeProps } from "../app/_ui/home-props";

// The home page is in the Pages Router (with the monitor pages) for one reason: the App Router
// inlines the page's whole React tree a second time as a script (the RSC payload), and with 100
// monitors that was 328 KB of the 523 KB page. This page needs no React in the browser, so it ships none
// (unstable_runtimeJS: false: no framework scripts, no page data); public/bars.js and
// public/local-time.js are all its JavaScript, with the theme's inline script (scripts/theme-boot.mjs).
// This file is the English page; pages/l/[locale]/index.tsx renders the others.
export const config = { unstable_runtimeJS: false };

// Cached by Next.js and regenerated at most every 4 s, as the App Router pages are: the status
// page's queries take most of a second with 100 monitors, and the web process's refresher asks for
// the page every 2 s (its answers go to the page cache, scripts/page-cache.mjs, which visitors get).
export const getStaticProps: GetStaticProps<HomeProps> = () => homeProps(BASE_LOCALE);

export default HomeView;
