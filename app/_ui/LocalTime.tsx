"use client";
import { useEffect, useState } from "react";

/**
 * A time in the visitor's time zone, with UTC on hover. The server renders UTC (it cannot
 * know the zone); the browser swaps in local time, in the page's language, after hydration. `text`
 * is the server's UTC in the page's language (Translator.utc), given by the translated pages.
 */
export function LocalTime({ iso, withDate = true, text: utcInLocale }: { iso: string; withDate?: boolean; text?: string }) {
  const utc = `${iso.replace("T", " ").slice(0, 16)} UTC`;
  const [text, setText] = useState(utcInLocale ?? (withDate ? utc : `${iso.slice(11, 16)} UTC`));
  useEffect(() => {
    const opts: Intl.DateTimeFormatOptions = withDate
      ? { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" }
      : { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" };
    // In the page's language (<html lang>), as public/local-time.js does on the pages without React.
    setText(new Intl.DateTimeFormat(document.documentElement.lang || undefined, opts).format(new Date(iso)));
  }, [iso, withDate]);
  return (
    // data-local: public/local-time.js localizes it (with the date) on pages that run no React.
    <time dateTime={iso} title={utc} data-local={withDate ? "" : undefined}>
      {text}
    </time>
  );
}
