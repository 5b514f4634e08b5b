// Loads the monitor page's response-time chart when it scrolls into view: the chart is React and
// recharts (public/_island/response-chart.js, built by scripts/build-islands.mjs), most of the
// page's JavaScript, and a visitor who reads only the bars and the uptime never needs it.
(() => {
  const slots = document.querySelectorAll("[data-chart-series]");
  if (!slots.length || !("IntersectionObserver" in window)) return;
  let loaded = false;
  const seen = new IntersectionObserver((entries) => {
    if (loaded || !entries.some((e) => e.isIntersecting)) return;
    loaded = true;
    seen.disconnect();
    const s = document.createElement("script");
    s.src = "/_island/response-chart.js";
    document.head.append(s);
  });
  for (const slot of slots) seen.observe(slot);
})();
