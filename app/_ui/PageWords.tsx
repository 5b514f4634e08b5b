import { PAGE_WINDOWS } from "@/monitors/queries/page-windows";
import { dayWordTemplates } from "@/monitors/presentation/bar-description";
import type { Translator } from "@/monitors/i18n/translator";

/** A CSS string: the catalogs are ours, but a quote or backslash must still not end it early. */
const cssString = (s: string) => `"${s.replace(/[\\"]/g, "\\$&").replace(/[<\n]/g, " ")}"`;

/**
 * The words that pages without React need outside their HTML, in the page's language: the day
 * sentences for public/bars.js (as templates), and the short labels CSS draws (a row's " uptime
 * (24h)", the bars' axis), which live in CSS because a hundred rows of them cost kilobytes as text.
 */
export function PageWords({ tr }: { tr: Translator }) {
  const css = [
    ...PAGE_WINDOWS.map((w) => `.u-${w}::after{content:${cssString(` ${tr.t("window.uptime", { window: tr.t(`window.${w}`) })}`)}}`),
    `.bars::before{content:${cssString(tr.t("bars.axisStart"))}/""}`,
    `.bars::after{content:${cssString(tr.t("bars.axisEnd"))}/""}`,
  ].join("");
  return (
    <>
      {/* biome-ignore lint/security/noDangerouslySetInnerHtml: our catalogs' words, each escaped by cssString */}
      <style dangerouslySetInnerHTML={{ __html: css }} />
      <div id="day-words" hidden data-words={JSON.stringify(dayWordTemplates(tr))} />
    </>
  );
}
