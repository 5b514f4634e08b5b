/**
 * Times in public prose (incident updates, titles, mails): a readable UTC minute, as the status
 * page shows times before the browser switches them to the reader's zone. The Markdown renderer
 * wraps each one in <time datetime> (monitors/presentation/markdown.ts), so machines read it too.
 */
export function utcText(at: Date | number): string {
  const iso = new Date(at).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** utcText's output inside other text; group 1 is the date, group 2 the time. */
export const UTC_TEXT = /\b(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}) UTC\b/g;
