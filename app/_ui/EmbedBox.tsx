import { embedSnippets } from "@/monitors/badges/embed-snippets";
import type { Translator } from "@/monitors/i18n/translator";

// Stands for the site's address when PUBLIC_URL is not set: public/embed-origin.js puts the
// address in the browser in its place (a cached page serves every host name the site has).
export const EMBED_PLACEHOLDER_ORIGIN = "https://status.example";

/** Badge snippets for this monitor; the base URL is PUBLIC_URL when set, else the address in the browser. */
export function EmbedBox({ slug, name, publicUrl, tr }: { slug: string; name: string; publicUrl: string | null; tr: Translator }) {
  const s = embedSnippets(publicUrl ?? EMBED_PLACEHOLDER_ORIGIN, slug, name);
  return (
    <section className="group embed" aria-labelledby="embed-h" data-embed-origin={publicUrl ? undefined : EMBED_PLACEHOLDER_ORIGIN}>
      <h2 id="embed-h">{tr.t("embed.title")}</h2>
      <label>
        {tr.t("embed.markdown")}
        <textarea readOnly rows={2} defaultValue={s.markdown} data-testid="embed-markdown" />
      </label>
      <label>
        {tr.t("embed.html")}
        <textarea readOnly rows={2} defaultValue={s.html} />
      </label>
      <label>
        {tr.t("embed.shields")}
        <textarea readOnly rows={1} defaultValue={s.shields} />
      </label>
    </section>
  );
}
