"use client";
import { useEffect, useState } from "react";

/**
 * A time in the visitor's time zone, with UTC on hover. The server renders UTC (it cannot
 * know the zone); the browser swaps in local time after hydration.
 */
export function LocalTime({ iso, withDate = true }: { iso: string; withDate?: boolean }) {
  const d = new Date(iso);
  const utc = `${iso.replace("T", " ").slice(0, 16)} UTC`;
  const [text, setText] = useState(withDate ? utc : `${iso.slice(11, 16)} UTC`);
  useEffect(() => {
    const opts: Intl.DateTimeFormatOptions = withDate
      ? { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" }
      : { hour: "2-digit", minute: "2-digit", timeZoneName: "short" };
    setText(new Intl.DateTimeFormat(undefined, opts).format(d));
  }, [iso, withDate]); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <time dateTime={iso} title={utc}>
      {text}
    </time>
  );
}
