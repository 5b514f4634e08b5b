/** Cuts to `max` UTF-16 units with an ellipsis, never inside a surrogate pair (chat and mail limits). */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return "";
  let cut = text.slice(0, max - 1);
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}
