/** Evaluates the small JSONPath subset the config accepts: $.a.b[0]["c-d"]. */
export function readJsonPath(value: unknown, path: string): { found: boolean; value?: unknown } {
  const steps = [...path.slice(1).matchAll(/\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\["([^"]+)"\]/g)].map(
    (m) => m[1] ?? (m[2] !== undefined ? Number(m[2]) : m[3]),
  );
  let cur: unknown = value;
  for (const step of steps) {
    if (cur === null || typeof cur !== "object") return { found: false };
    if (typeof step === "number") {
      if (!Array.isArray(cur) || step >= cur.length) return { found: false };
      cur = cur[step];
    } else {
      if (!Object.hasOwn(cur, step)) return { found: false };
      cur = (cur as Record<string, unknown>)[step];
    }
  }
  return { found: true, value: cur };
}
