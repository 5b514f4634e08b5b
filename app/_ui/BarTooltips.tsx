"use client";
import { useEffect } from "react";

/**
 * One listener set for every bar row on the page (event delegation): focus, hover or tap
 * shows a day's details; arrow keys, Home and End move between days; Escape hides.
 * The tooltip is built with textContent, so no text from the page is parsed as HTML.
 */
export function BarTooltips() {
  useEffect(() => {
    let tip: HTMLDivElement | null = null;
    const hide = () => {
      tip?.remove();
      tip = null;
    };
    const show = (bar: HTMLElement) => {
      hide();
      const wrap = bar.closest(".bars-wrap");
      if (!wrap) return;
      tip = document.createElement("div");
      tip.className = "bar-tip";
      tip.setAttribute("role", "tooltip");
      tip.id = "bar-tooltip";
      tip.dataset.testid = "bar-tooltip";
      const [date, ...lines] = (bar.getAttribute("aria-label") ?? "").split(", ");
      const strong = document.createElement("strong");
      strong.textContent = date;
      tip.append(strong);
      for (const line of lines) {
        const div = document.createElement("div");
        div.textContent = line.charAt(0).toUpperCase() + line.slice(1);
        tip.append(div);
      }
      for (const entry of (bar.dataset.incidents ?? "").split("|").filter(Boolean)) {
        const [id, ...title] = entry.split(":");
        if (!/^\d+$/.test(id)) continue;
        const a = document.createElement("a");
        a.href = `/incidents/${id}`;
        a.textContent = title.join(":");
        const div = document.createElement("div");
        div.append(a);
        tip.append(div);
      }
      const bars = [...(bar.parentElement?.children ?? [])];
      const ratio = (bars.indexOf(bar) + 0.5) / Math.max(1, bars.length);
      tip.style.left = `${Math.min(85, Math.max(15, ratio * 100))}%`;
      wrap.append(tip);
      bar.setAttribute("aria-describedby", "bar-tooltip");
    };
    const barOf = (t: EventTarget | null) => (t instanceof HTMLElement && t.classList.contains("bar") ? t : null);
    const onFocus = (e: FocusEvent) => {
      const bar = barOf(e.target);
      if (bar) show(bar);
    };
    const onBlur = (e: FocusEvent) => {
      const bar = barOf(e.target);
      if (bar) {
        bar.removeAttribute("aria-describedby");
        if (!barOf(e.relatedTarget)) hide();
      }
    };
    const onOver = (e: MouseEvent) => {
      const bar = barOf(e.target);
      if (bar) show(bar);
      else if (!(e.target instanceof HTMLElement && e.target.closest(".bar-tip"))) hide();
    };
    const onClick = (e: MouseEvent) => {
      const bar = barOf(e.target);
      if (bar) show(bar);
    };
    const onKey = (e: KeyboardEvent) => {
      const bar = barOf(e.target);
      if (!bar) return;
      if (e.key === "Escape") return hide();
      const bars = [...(bar.parentElement?.children ?? [])] as HTMLElement[];
      const i = bars.indexOf(bar);
      const next = { ArrowLeft: i - 1, ArrowRight: i + 1, Home: 0, End: bars.length - 1 }[e.key];
      if (next === undefined) return;
      e.preventDefault();
      const target = bars[Math.max(0, Math.min(bars.length - 1, next))];
      // Roving tabindex: the row keeps one tab stop, on the day last visited.
      for (const b of bars) b.tabIndex = b === target ? 0 : -1;
      target.focus();
    };
    document.addEventListener("focusin", onFocus);
    document.addEventListener("focusout", onBlur);
    document.addEventListener("mouseover", onOver);
    document.addEventListener("click", onClick);
    document.addEventListener("keydown", onKey);
    return () => {
      hide();
      document.removeEventListener("focusin", onFocus);
      document.removeEventListener("focusout", onBlur);
      document.removeEventListener("mouseover", onOver);
      document.removeEventListener("click", onClick);
      document.removeEventListener("keydown", onKey);
    };
  }, []);
  return null;
}
