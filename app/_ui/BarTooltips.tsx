"use client";
import { useEffect } from "react";
import { CODE_LEVEL } from "../../monitors/queries/bar-encoding";
import { describeDayParts } from "../../monitors/queries/bar-description";

interface Day {
  date: string;
  ratio: number | null;
  down: number;
  maint: number;
  incidents: number[];
}

const DAY_MS = 86_400_000;
const details = new WeakMap<HTMLElement, Map<number, Omit<Day, "date">>>();

function detailOf(el: HTMLElement): Map<number, Omit<Day, "date">> {
  let map = details.get(el);
  if (!map) {
    map = new Map();
    for (const entry of (el.dataset.detail ?? "").split(";").filter(Boolean)) {
      const [i, rest] = entry.split(":");
      const [pct, down, maint, inc] = rest.split(",");
      map.set(Number(i), { ratio: pct === "" ? null : Number(pct) / 100, down: Number(down), maint: Number(maint), incidents: inc ? inc.split("+").map(Number) : [] });
    }
    details.set(el, map);
  }
  return map;
}

function dayAt(el: HTMLElement, i: number): Day {
  const date = new Date(Date.parse(`${el.dataset.start}T00:00:00Z`) + i * DAY_MS).toISOString().slice(0, 10);
  const d = detailOf(el).get(i);
  if (d) return { date, ...d };
  const level = CODE_LEVEL[(el.dataset.levels ?? "")[i]];
  return { date, ratio: level === "nodata" ? null : 1, down: 0, maint: 0, incidents: [] };
}

/**
 * One set of delegated listeners for every row of bars on the page: focus, hover or tap
 * shows a day; arrow keys, Home and End move between days; Escape hides. The tooltip is
 * built with textContent, so nothing from the page is parsed as HTML.
 */
export function BarTooltips({ incidents }: { incidents: Record<number, string> }) {
  useEffect(() => {
    let tip: HTMLDivElement | null = null;
    let cursor: HTMLDivElement | null = null;
    const hide = () => {
      tip?.remove();
      cursor?.remove();
      tip = cursor = null;
    };
    const show = (el: HTMLElement, i: number) => {
      hide();
      const n = (el.dataset.levels ?? "").length;
      if (!n) return;
      const index = Math.max(0, Math.min(n - 1, i));
      const day = dayAt(el, index);
      const parts = describeDayParts(day.date, day.ratio, day.down, day.maint);
      el.setAttribute("aria-valuenow", String(index + 1));
      el.setAttribute("aria-valuetext", parts.join(", "));
      const wrap = el.parentElement!;
      const left = ((index + 0.5) / n) * 100;
      cursor = document.createElement("div");
      cursor.className = "bar-cursor";
      cursor.style.left = `${(index / n) * 100}%`;
      cursor.style.width = `${100 / n}%`;
      wrap.append(cursor);
      tip = document.createElement("div");
      tip.className = "bar-tip";
      tip.setAttribute("role", "tooltip");
      tip.dataset.testid = "bar-tooltip";
      const strong = document.createElement("strong");
      strong.textContent = parts[0];
      tip.append(strong);
      for (const line of parts.slice(1)) {
        const div = document.createElement("div");
        div.textContent = line.charAt(0).toUpperCase() + line.slice(1);
        tip.append(div);
      }
      for (const id of day.incidents) {
        const a = document.createElement("a");
        a.href = `/incidents/${id}`;
        a.textContent = incidents[id] ?? `Incident ${id}`;
        const div = document.createElement("div");
        div.append(a);
        tip.append(div);
      }
      tip.style.left = `${Math.min(85, Math.max(15, left))}%`;
      wrap.append(tip);
    };
    const barsOf = (t: EventTarget | null) => (t instanceof Element ? (t.closest(".bars") as HTMLElement | null) : null);
    const current = (el: HTMLElement) => Number(el.getAttribute("aria-valuenow") ?? "1") - 1;
    const indexAt = (el: HTMLElement, clientX: number) => {
      const r = el.getBoundingClientRect();
      return Math.floor(((clientX - r.left) / r.width) * (el.dataset.levels ?? "").length);
    };
    const onFocus = (e: FocusEvent) => {
      const el = barsOf(e.target);
      if (el) show(el, current(el));
    };
    const onBlur = (e: FocusEvent) => {
      if (barsOf(e.target)) hide();
    };
    const onMove = (e: MouseEvent) => {
      const el = barsOf(e.target);
      if (el) show(el, indexAt(el, e.clientX));
      else if (tip && !(e.target instanceof Element && e.target.closest(".bar-tip"))) hide();
    };
    const onClick = (e: MouseEvent) => {
      const el = barsOf(e.target);
      if (el) show(el, indexAt(el, e.clientX));
    };
    const onKey = (e: KeyboardEvent) => {
      const el = barsOf(e.target);
      if (!el) return;
      if (e.key === "Escape") return hide();
      const n = (el.dataset.levels ?? "").length;
      const i = current(el);
      const next = { ArrowLeft: i - 1, ArrowDown: i - 1, ArrowRight: i + 1, ArrowUp: i + 1, Home: 0, End: n - 1, PageUp: i + 7, PageDown: i - 7 }[e.key];
      if (next === undefined) return;
      e.preventDefault();
      show(el, next);
    };
    document.addEventListener("focusin", onFocus);
    document.addEventListener("focusout", onBlur);
    document.addEventListener("mousemove", onMove);
    document.addEventListener("click", onClick);
    document.addEventListener("keydown", onKey);
    return () => {
      hide();
      document.removeEventListener("focusin", onFocus);
      document.removeEventListener("focusout", onBlur);
      document.removeEventListener("mousemove", onMove);
      document.removeEventListener("click", onClick);
      document.removeEventListener("keydown", onKey);
    };
  }, [incidents]);
  return null;
}
