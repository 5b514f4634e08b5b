"use client";
import { useEffect, useState } from "react";
import { embedSnippets } from "../../monitors/badges/embed-snippets";

/** Badge snippets for this monitor; the base URL is PUBLIC_URL when set, else the address in the browser. */
export function EmbedBox({ slug, name, publicUrl }: { slug: string; name: string; publicUrl: string | null }) {
  const [base, setBase] = useState(publicUrl ?? "");
  useEffect(() => {
    if (!publicUrl) setBase(window.location.origin);
  }, [publicUrl]);
  const s = embedSnippets(base || "https://status.example", slug, name);
  return (
    <section className="group embed" aria-labelledby="embed-h">
      <h2 id="embed-h">Embed</h2>
      <label>
        Markdown<textarea readOnly rows={2} value={s.markdown} data-testid="embed-markdown" />
      </label>
      <label>
        HTML<textarea readOnly rows={2} value={s.html} />
      </label>
      <label>
        shields.io endpoint<textarea readOnly rows={1} value={s.shields} />
      </label>
    </section>
  );
}
