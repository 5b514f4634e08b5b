import type { Metadata } from "next";
import type { OverallStatus } from "@/monitors/queries/overall-status";
import { BASE_LOCALE } from "@/monitors/i18n/locales";
import { translator, type Translator } from "@/monitors/i18n/translator";

/** Title and favicon that follow the overall status, so a pinned tab shows an outage. */
export function statusMetadata(overall: OverallStatus, title?: string, tr: Translator = translator(BASE_LOCALE)): Metadata {
  return {
    title: title ? tr.t("page.titleOf", { title }) : tr.t("page.title", { overall: tr.t(`overall.${overall}`) }),
    icons: { icon: { url: `/favicon-${overall}.svg`, type: "image/svg+xml" } },
  };
}
