// The days behind every row of uptime bars on a page (app/_ui/UptimeBars.tsx renders them).
// One set of delegated listeners for all rows: focus, hover or tap shows a day; arrow keys,
// Home, End, PageUp and PageDown move between days; Escape hides. Each move also sets the
// slider's aria-valuetext, so a screen reader hears the day. Plain script, no framework: the
// home page ships nothing else. The tooltip is built with textContent, never parsed as HTML.
// The words are the server's, in the page's language: the page carries them as templates
// (#day-words, app/_ui/PageWords.tsx, from monitors/presentation/bar-description.ts) and numbers are
// formatted here with Intl in <html lang>, with the server's options (tests/e2e/status-page.test.ts
// and tests/e2e/i18n-theme.test.ts compare the two).
(() => {
  const DAY_MS = 86400000;
  const parsed = new WeakMap();
  let titles = null;
  let words = null;
  const lang = document.documentElement.lang || undefined;
  const pct2 = new Intl.NumberFormat(lang, { style: "percent", minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const pct0 = new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 0 });
  const minutes = new Intl.NumberFormat(lang, { style: "unit", unit: "minute", unitDisplay: "short" });

  function word(name, fill) {
    if (!words) {
      try {
        words = JSON.parse(document.getElementById("day-words")?.dataset.words || "{}");
      } catch {
        words = {};
      }
    }
    const text = words[name] || name;
    return fill ? text.replace(/\{(\w+)\}/g, (m, k) => (k in fill ? fill[k] : m)) : text;
  }

  function incidentTitle(id) {
    if (!titles) {
      try {
        titles = JSON.parse(document.getElementById("incident-titles")?.dataset.titles || "{}");
      } catch {
        titles = {};
      }
    }
    return titles[id] || word("incident", { id });
  }

  /**
   * levels: one letter per day, read back from the picture's stops ("--g:var(--o) 0 66.7%,var(--M)
   * 0 67.8%,…,var(--o) 0", monitors/presentation/bar-encoding.ts); detail: index -> that day's facts.
   */
  function rowOf(el) {
    let row = parsed.get(el);
    if (row) return row;
    const days = Number(el.getAttribute("aria-valuemax")) || 0;
    let levels = "";
    for (const m of (el.getAttribute("style") || "").matchAll(/var\(--([a-zA-Z])\)(?:\s+0(?:\s+([\d.]+)%)?)?/g)) {
      const until = m[2] === undefined ? days : Math.round((Number(m[2]) * days) / 100);
      while (levels.length < until) levels += m[1];
    }
    const detail = new Map();
    for (const entry of (el.dataset.detail || "").split(";").filter(Boolean)) {
      const [i, rest] = entry.split(":");
      const [pct, down, maint, inc] = rest.split(",");
      detail.set(Number(i), { pct: pct === "" ? null : pct, down: Number(down), maint: Number(maint || 0), incidents: inc ? inc.split("+") : [] });
    }
    row = { levels, detail };
    parsed.set(el, row);
    return row;
  }

  function percent(pct) {
    return pct === "100" ? pct0.format(1) : pct2.format(Number(pct) / 100);
  }

  /** The words of one day, as describeDayParts says them on the server. */
  function dayParts(el, i) {
    const row = rowOf(el);
    // A page of many rows states their common first day once, on an ancestor.
    const start = el.closest("[data-start]")?.dataset.start;
    const date = new Date(Date.parse(`${start}T00:00:00Z`) + i * DAY_MS).toISOString().slice(0, 10);
    const d = row.detail.get(i) || { pct: row.levels[i] === "n" ? null : "100", down: 0, maint: 0, incidents: [] };
    const parts = [date, d.pct === null ? word(d.maint ? "maintenanceOnly" : "noData") : word("uptime", { pct: percent(d.pct) })];
    if (d.pct !== null) parts.push(d.down ? word("down", { duration: minutes.format(d.down) }) : word("noDowntime"));
    if (d.maint) parts.push(word("maintenance", { duration: minutes.format(d.maint) }));
    return { parts, incidents: d.incidents };
  }

  let tip = null;
  let cursor = null;
  function hide() {
    tip?.closest(".group")?.classList.remove("showing-day");
    tip?.remove();
    cursor?.remove();
    tip = cursor = null;
  }

  function show(el, i) {
    hide();
    const n = rowOf(el).levels.length;
    if (!n) return;
    const index = Math.max(0, Math.min(n - 1, i));
    const { parts, incidents } = dayParts(el, index);
    el.setAttribute("aria-valuenow", String(index + 1));
    el.setAttribute("aria-valuetext", parts.join(", "));
    // Cursor and details go next to the slider (not inside it: a slider's content is not read),
    // placed in pixels within the row, the positioned box around it.
    const day = el.offsetWidth / n;
    cursor = document.createElement("div");
    cursor.className = "bar-cursor";
    cursor.style.left = `${el.offsetLeft + index * day}px`;
    cursor.style.top = `${el.offsetTop - 2}px`;
    cursor.style.width = `${day}px`;
    el.after(cursor);
    tip = document.createElement("div");
    tip.className = "bar-tip";
    tip.setAttribute("role", "tooltip");
    tip.dataset.testid = "bar-tooltip";
    const strong = document.createElement("strong");
    strong.textContent = parts[0];
    tip.append(strong);
    for (const line of parts.slice(1)) {
      const div = document.createElement("div");
      div.textContent = line.charAt(0).toLocaleUpperCase(lang) + line.slice(1);
      tip.append(div);
    }
    for (const id of incidents) {
      const a = document.createElement("a");
      a.href = `/incidents/${encodeURIComponent(id)}`;
      a.textContent = incidentTitle(id);
      const div = document.createElement("div");
      div.append(a);
      tip.append(div);
    }
    tip.style.left = `${el.offsetLeft + (Math.min(85, Math.max(15, ((index + 0.5) / n) * 100)) / 100) * el.offsetWidth}px`;
    tip.style.top = `${el.offsetTop + el.offsetHeight + 6}px`;
    cursor.after(tip);
    // A group's content-visibility would clip the details at its edge (app/globals.css).
    tip.closest(".group")?.classList.add("showing-day");
  }

  const barsOf = (t) => (t instanceof Element ? t.closest(".bars") : null);
  const current = (el) => Number(el.getAttribute("aria-valuenow") || "1") - 1;
  const indexAt = (el, clientX) => {
    const r = el.getBoundingClientRect();
    return Math.floor(((clientX - r.left) / r.width) * rowOf(el).levels.length);
  };

  document.addEventListener("focusin", (e) => {
    const el = barsOf(e.target);
    if (el) show(el, current(el));
  });
  document.addEventListener("focusout", (e) => {
    if (barsOf(e.target)) hide();
  });
  document.addEventListener("mousemove", (e) => {
    const el = barsOf(e.target);
    if (el) show(el, indexAt(el, e.clientX));
    else if (tip && !(e.target instanceof Element && e.target.closest(".bar-tip"))) hide();
  });
  document.addEventListener("click", (e) => {
    const el = barsOf(e.target);
    if (el) show(el, indexAt(el, e.clientX));
  });
  document.addEventListener("keydown", (e) => {
    const el = barsOf(e.target);
    if (!el) return;
    if (e.key === "Escape") return hide();
    const n = rowOf(el).levels.length;
    const i = current(el);
    const next = { ArrowLeft: i - 1, ArrowDown: i - 1, ArrowRight: i + 1, ArrowUp: i + 1, Home: 0, End: n - 1, PageUp: i + 7, PageDown: i - 7 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    show(el, next);
  });
})();
