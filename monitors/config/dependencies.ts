import { findCycles } from "../core/dependency-graph";

/** A monitor as the depends_on check sees it: where it is in the file, and what it lists. */
export interface DependsOnEntry {
  slug: string;
  /** Its index in monitors:, for the YAML path of a problem. */
  index: number;
  dependsOn: readonly string[];
}

/**
 * Problems with the monitors' depends_on lists, one line each, naming the YAML path: a slug no
 * monitor has, a monitor listing itself, a slug listed twice, and every cycle with its path
 * ("depends_on forms a cycle: a → b → c → a"), which would leave no monitor to be the root cause.
 */
export function dependsOnProblems(entries: readonly DependsOnEntry[]): string[] {
  const problems: string[] = [];
  const slugs = new Set(entries.map((e) => e.slug));
  const graph = new Map<string, string[]>();
  for (const e of entries) {
    const at = `monitors[${e.index}] (${e.slug}).depends_on`;
    const kept: string[] = [];
    e.dependsOn.forEach((dep, j) => {
      if (dep === e.slug) problems.push(`${at}[${j}]: a monitor cannot depend on itself`);
      else if (!slugs.has(dep)) problems.push(`${at}[${j}]: no monitor has the slug "${dep}"`);
      else if (kept.includes(dep)) problems.push(`${at}[${j}]: "${dep}" is listed twice`);
      else kept.push(dep);
    });
    if (!graph.has(e.slug)) graph.set(e.slug, kept);
  }
  const indexOf = new Map(entries.map((e) => [e.slug, e.index]));
  for (const cycle of findCycles(graph)) {
    const first = cycle[0];
    problems.push(`monitors[${indexOf.get(first)}] (${first}).depends_on: depends_on forms a cycle: ${cycle.join(" → ")}`);
  }
  return problems;
}
