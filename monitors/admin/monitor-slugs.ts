import type { Db, Tx } from "../store/client";
import { FieldError } from "./admin-command";

/** The ids of the monitors a form names by slug; any slug that names no monitor is the form's "monitors" error. */
export async function monitorIdsBySlug(db: Db | Tx, slugs: string[]): Promise<Map<string, number>> {
  const rows = slugs.length ? await db.monitor.findMany({ where: { slug: { in: slugs } }, select: { id: true, slug: true } }) : [];
  const ids = new Map(rows.map((r) => [r.slug, r.id]));
  const unknown = slugs.filter((s) => !ids.has(s));
  if (unknown.length) throw new FieldError("monitors", `unknown monitor: ${unknown.join(", ")}`);
  return ids;
}
