/**
 * Refuses regular expressions that can backtrack catastrophically on a hostile body: a group
 * with an unbounded quantifier inside that is itself repeated without bound, like (a+)+, (\w*)*
 * or (x+y?){2,}. JavaScript has no regex time limit, so the agent cannot stop such a match once
 * it started; refusing the pattern when the config is loaded is the only safe place.
 * (Bodies are also capped by max_body_bytes, which bounds the input but not the exponent.)
 */
export function catastrophicRegexProblem(source: string): string | null {
  // One frame per open group: does it contain an unbounded quantifier?
  const stack: boolean[] = [false];
  let i = 0;
  const unboundedAt = (j: number): number => {
    // Returns the length of an unbounded quantifier at j, or 0.
    const c = source[j];
    if (c === "*" || c === "+") return 1;
    if (c === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(j));
      if (m && m[2] !== undefined && (m[3] === "" || Number(m[3]) >= 16)) return m[0].length;
    }
    return 0;
  };
  while (i < source.length) {
    const c = source[i];
    if (c === "\\") {
      i += 2;
      continue;
    }
    if (c === "[") {
      // Skip a character class: quantifier characters inside it are literals.
      i += 1;
      if (source[i] === "^") i += 1;
      if (source[i] === "]") i += 1;
      while (i < source.length && source[i] !== "]") i += source[i] === "\\" ? 2 : 1;
      i += 1;
      continue;
    }
    if (c === "(") {
      stack.push(false);
      i += 1;
      continue;
    }
    if (c === ")") {
      const inner = stack.pop() ?? false;
      if (!stack.length) stack.push(false);
      const q = unboundedAt(i + 1);
      if (q && inner) {
        return `the pattern repeats a group that itself repeats (around position ${i + 1}): such patterns can take exponential time on a hostile body; rewrite it without a quantified group that contains + or * (a bounded count such as {1,10} inside the group is fine)`;
      }
      if (q || inner) stack[stack.length - 1] = true;
      i += 1 + q;
      continue;
    }
    const q = unboundedAt(i);
    if (q) {
      stack[stack.length - 1] = true;
      i += q;
      continue;
    }
    i += 1;
  }
  return null;
}
