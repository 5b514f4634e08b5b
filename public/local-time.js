// Times in the visitor's time zone on pages that run no React (the home page): the server
// renders UTC in the page's language (it cannot know the zone), and this swaps in local time in
// that language (<html lang>) with the server's options (DATE_TIME_OPTIONS in
// monitors/i18n/translator.ts). The UTC time stays in the title.
(() => {
  const format = new Intl.DateTimeFormat(document.documentElement.lang || undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" });
  for (const el of document.querySelectorAll("time[datetime][data-local]")) {
    const d = new Date(el.getAttribute("datetime"));
    if (!Number.isNaN(d.getTime())) el.textContent = format.format(d);
  }
})();
