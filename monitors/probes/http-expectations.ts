import type { HttpMonitorSpec } from "./kinds/http";
import { readJsonPath } from "./json-path";

/** True when `status` matches one of 200, "200-299" or "2xx". */
export function statusAccepted(status: number, accepted: Array<number | string>): boolean {
  return accepted.some((spec) => {
    if (typeof spec === "number") return status === spec;
    if (/^[1-5]xx$/.test(spec)) return Math.floor(status / 100) === Number(spec[0]);
    const range = /^(\d{3})-(\d{3})$/.exec(spec);
    if (range) return status >= Number(range[1]) && status <= Number(range[2]);
    return status === Number(spec);
  });
}

/** Checks body and header assertions; returns the first failure as a sentence, or null. */
export function checkExpectations(
  expect: HttpMonitorSpec["expect"],
  body: { text: string; truncated: boolean; validUtf8: boolean },
  headers: Record<string, string | string[] | undefined>,
): string | null {
  const header = (name: string) => {
    const v = headers[name.toLowerCase()];
    return Array.isArray(v) ? v.join(", ") : v;
  };
  for (const h of expect.headers ?? []) {
    const v = header(h.name);
    if (h.absent) {
      if (v !== undefined) return `header ${h.name} is present but must be absent`;
      continue;
    }
    if (v === undefined) return `header ${h.name} is missing`;
    if (h.equals !== undefined && v !== h.equals)
      return `header ${h.name} is ${JSON.stringify(v.slice(0, 100))}, expected ${JSON.stringify(h.equals)}`;
    if (h.contains !== undefined && !v.includes(h.contains)) return `header ${h.name} does not contain ${JSON.stringify(h.contains)}`;
    if (h.matches !== undefined && !new RegExp(h.matches).test(v)) return `header ${h.name} does not match /${h.matches}/`;
  }
  const needsBody = expect.body_contains || expect.body_not_contains || expect.body_regex || expect.json?.length;
  if (!needsBody) return null;
  if (!body.validUtf8) {
    // The probe asks for no compression; a server that compresses anyway sends bytes, not text.
    const encoding = header("content-encoding");
    if (encoding && !/^\s*identity\s*$/i.test(encoding))
      return `body is ${encoding}-encoded although no compression was asked for, so it cannot be checked as text`;
    return "body is not valid UTF-8";
  }
  const cut = body.truncated ? " (within the first max_body_bytes)" : "";
  if (expect.body_contains && !body.text.includes(expect.body_contains))
    return `body does not contain ${JSON.stringify(expect.body_contains)}${cut}`;
  if (expect.body_not_contains && body.text.includes(expect.body_not_contains))
    return `body contains ${JSON.stringify(expect.body_not_contains)}`;
  if (expect.body_regex && !new RegExp(expect.body_regex).test(body.text)) return `body does not match /${expect.body_regex}/${cut}`;
  if (expect.json?.length) {
    if (body.truncated) return "body is larger than max_body_bytes, so its JSON cannot be checked";
    let doc: unknown;
    try {
      doc = JSON.parse(body.text);
    } catch (e) {
      return `body is not valid JSON: ${(e as Error).message.slice(0, 120)}`;
    }
    for (const a of expect.json) {
      const r = readJsonPath(doc, a.path);
      if (a.exists !== undefined && r.found !== a.exists) return `${a.path} ${a.exists ? "is missing" : "exists but must not"}`;
      if (a.equals !== undefined && (!r.found || r.value !== a.equals)) {
        return `${a.path} is ${r.found ? JSON.stringify(r.value)?.slice(0, 100) : "missing"}, expected ${JSON.stringify(a.equals)}`;
      }
      if (a.matches !== undefined && (!r.found || !new RegExp(a.matches).test(String(r.value))))
        return `${a.path} does not match /${a.matches}/`;
    }
  }
  return null;
}
