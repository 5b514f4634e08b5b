import type { MessageKey, Translator } from "@/monitors/i18n/translator";

/** An incident's impact in the reader's language; one the catalogs do not know is shown as stored. */
export function impactLabel(impact: string, tr: Translator): string {
  const key = `impact.${impact}` as MessageKey;
  return key in tr.messages ? tr.t(key) : impact;
}
