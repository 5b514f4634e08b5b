"use client";

import { useState, type FormEvent } from "react";
import { CSRF_HEADER, CSRF_HEADER_VALUE } from "@/monitors/admin/request-guard";

/** The form's words in the page's language (the server's translator does not reach the browser). */
export type SubscribeWords = { title: string; email: string; button: string; some: string; sent: string; unreachable: string };

/**
 * Email sign-up (double opt-in). The answer never says whether the address was already subscribed.
 * The server's field errors come in the reader's language (app/api/subscribe/route.ts).
 */
export function SubscribeForm({ components, words }: { components: Array<{ slug: string; name: string }>; words: SubscribeWords }) {
  const [state, setState] = useState<{ message?: string; error?: string; busy?: boolean }>({});
  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    setState({ busy: true });
    const res = await fetch("/api/subscribe", {
      method: "POST",
      headers: { "content-type": "application/json", [CSRF_HEADER]: CSRF_HEADER_VALUE },
      body: JSON.stringify({ email: String(data.get("email") ?? ""), monitors: data.getAll("monitors").map(String) }),
    }).catch(() => null);
    const body = (await res?.json().catch(() => ({}))) as { message?: string; error?: string; errors?: Record<string, string> } | undefined;
    if (res?.ok) setState({ message: words.sent });
    else setState({ error: body?.errors ? Object.values(body.errors)[0] : (body?.error ?? words.unreachable) });
  }
  return (
    <section aria-labelledby="subscribe-h" className="subscribe">
      <h2 id="subscribe-h">{words.title}</h2>
      {state.message ? (
        <p role="status">{state.message}</p>
      ) : (
        <form onSubmit={onSubmit} noValidate>
          <label htmlFor="subscribe-email">{words.email}</label>{" "}
          <input
            id="subscribe-email"
            name="email"
            type="email"
            autoComplete="email"
            required
            aria-invalid={!!state.error}
            aria-describedby={state.error ? "subscribe-error" : undefined}
          />{" "}
          <button type="submit" disabled={state.busy}>
            {words.button}
          </button>
          {state.error && (
            <span className="field-error" id="subscribe-error" role="alert">
              {state.error}
            </span>
          )}
          <details>
            <summary>{words.some}</summary>
            <div className="choices">
              {components.map((c) => (
                <label key={c.slug}>
                  <input type="checkbox" name="monitors" value={c.slug} /> {c.name}
                </label>
              ))}
            </div>
          </details>
        </form>
      )}
    </section>
  );
}
