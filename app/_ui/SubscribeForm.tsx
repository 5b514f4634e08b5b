"use client";

import { useState, type FormEvent } from "react";

/** Email sign-up (double opt-in). The answer never says whether the address was already subscribed. */
export function SubscribeForm({ components }: { components: Array<{ slug: string; name: string }> }) {
  const [state, setState] = useState<{ message?: string; error?: string; busy?: boolean }>({});
  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    setState({ busy: true });
    const res = await fetch("/api/subscribe", {
      method: "POST",
      headers: { "content-type": "application/json", "x-status-request": "1" },
      body: JSON.stringify({ email: String(data.get("email") ?? ""), monitors: data.getAll("monitors").map(String) }),
    }).catch(() => null);
    const body = (await res?.json().catch(() => ({}))) as { message?: string; error?: string; errors?: Record<string, string> } | undefined;
    if (res?.ok) setState({ message: body?.message });
    else setState({ error: body?.errors ? Object.values(body.errors)[0] : (body?.error ?? "the server could not be reached") });
  }
  return (
    <section aria-labelledby="subscribe-h" className="subscribe">
      <h2 id="subscribe-h">Get notified</h2>
      {state.message ? (
        <p role="status">{state.message}</p>
      ) : (
        <form onSubmit={onSubmit} noValidate>
          <label htmlFor="subscribe-email">Email</label> <input id="subscribe-email" name="email" type="email" autoComplete="email" required aria-invalid={!!state.error} aria-describedby={state.error ? "subscribe-error" : undefined} />{" "}
          <button type="submit" disabled={state.busy}>
            Subscribe
          </button>
          {state.error && (
            <span className="field-error" id="subscribe-error" role="alert">
              {state.error}
            </span>
          )}
          <details>
            <summary>Only some components</summary>
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
