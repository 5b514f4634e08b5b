import { Fragment, type ReactNode } from "react";
import type { MessageKey, Translator } from "@/monitors/i18n/translator";

/**
 * A message with elements in it ("last checked {time}: …" with a <time>): each element's place is
 * marked in the formatted text and the text is cut there, so word order stays the translation's.
 */
export function rich(tr: Translator, key: MessageKey, values: Record<string, string | number | ReactNode>): ReactNode {
  const nodes: ReactNode[] = [];
  const plain: Record<string, string | number> = {};
  for (const [name, v] of Object.entries(values)) {
    if (typeof v === "string" || typeof v === "number") plain[name] = v;
    else plain[name] = `\u0001${nodes.push(v) - 1}\u0002`;
  }
  const parts = tr.t(key, plain).split(/\u0001(\d+)\u0002/);
  // biome-ignore lint/suspicious/noArrayIndexKey: the pieces of one formatted sentence; their place is their identity
  return parts.map((p, i) => <Fragment key={i}>{i % 2 ? nodes[Number(p)] : p}</Fragment>);
}
