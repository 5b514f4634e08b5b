/**
 * The Pages Router hands props to a page as JSON; the query results hold Dates. These wrap
 * every Date as { $date: iso } on the way in and bring it back on the way out, so the page
 * gets the same types the query returned.
 */
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function toProps<T>(value: T): Json {
  if (value instanceof Date) return { $date: value.toISOString() };
  if (Array.isArray(value)) return value.map((v) => toProps(v));
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, toProps(v)]),
    );
  return (value ?? null) as Json;
}

export function fromProps<T>(value: Json): T {
  if (Array.isArray(value)) return value.map((v) => fromProps(v)) as T;
  if (value && typeof value === "object") {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === "$date" && typeof value.$date === "string") return new Date(value.$date) as T;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromProps(v)])) as T;
  }
  return value as T;
}
