/**
 * Monitors' `depends_on` as a graph: each key lists the monitors it depends on directly. Keys are
 * slugs in the config and ids in the engine, so the functions are generic over the key.
 *
 * Written here rather than taken from a graph package: the two walks below are a few lines each,
 * and the cycle has to be reported in the config's own words (its slugs, in order), which the
 * packages' errors do not give.
 */
export type DependencyMap<K> = ReadonlyMap<K, readonly K[]>;

/**
 * Every cycle found, each as its path closed on its start (["a", "b", "c", "a"]), once each
 * whatever monitor the walk entered it by. Edges to keys not in the map are ignored (an unknown
 * slug is a problem of its own).
 */
export function findCycles<K>(deps: DependencyMap<K>): K[][] {
  const state = new Map<K, "open" | "done">();
  const path: K[] = [];
  const seen = new Set<string>();
  const cycles: K[][] = [];
  const order = new Map([...deps.keys()].map((k, i) => [k, i]));
  const visit = (k: K): void => {
    state.set(k, "open");
    path.push(k);
    for (const next of deps.get(k) ?? []) {
      if (!deps.has(next)) continue;
      const s = state.get(next);
      if (s === "open") {
        const loop = path.slice(path.indexOf(next));
        // The same loop entered elsewhere is one cycle: name it from its first key in map order.
        const start = loop.reduce((best, x, i) => (order.get(x)! < order.get(loop[best])! ? i : best), 0);
        const rotated = [...loop.slice(start), ...loop.slice(0, start)];
        const key = rotated.map(String).join("\u0000");
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push([...rotated, rotated[0]]);
        }
      } else if (s === undefined) visit(next);
    }
    path.pop();
    state.set(k, "done");
  };
  for (const k of deps.keys()) if (!state.has(k)) visit(k);
  return cycles;
}

/**
 * Everything `key` depends on, directly or through others (A → B → C: A's are B and C). Safe on a
 * graph with a cycle (each key is visited once), though a validated config has none.
 */
export function transitiveDependencies<K>(deps: DependencyMap<K>, key: K): Set<K> {
  const out = new Set<K>();
  const stack = [...(deps.get(key) ?? [])];
  while (stack.length) {
    const k = stack.pop()!;
    if (k === key || out.has(k)) continue;
    out.add(k);
    stack.push(...(deps.get(k) ?? []));
  }
  return out;
}
