"use client";

import { useId, useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { IMPACTS } from "@/monitors/incidents/incident-lifecycle";
import { CSRF_HEADER, CSRF_HEADER_VALUE } from "@/monitors/admin/request-guard";

export type Field =
  | {
      kind: "text" | "email" | "password" | "number";
      name: string;
      label: string;
      defaultValue?: string;
      help?: string;
      autoComplete?: string;
    }
  | { kind: "textarea"; name: string; label: string; defaultValue?: string; markdown?: boolean; rows?: number; help?: string }
  | { kind: "select"; name: string; label: string; options: Array<{ value: string; label: string }>; defaultValue?: string; help?: string }
  | { kind: "datetime"; name: string; label: string; defaultValue?: string; help?: string }
  | { kind: "checkbox"; name: string; label: string; defaultChecked?: boolean; help?: string }
  | {
      kind: "checkboxes";
      name: string;
      label: string;
      options: Array<{ value: string; label: string }>;
      defaultValues?: string[];
      help?: string;
    }
  | {
      kind: "impacts";
      name: string;
      label: string;
      monitors: Array<{ slug: string; name: string }>;
      defaultValues?: Record<string, string>;
      help?: string;
    }
  | { kind: "hidden"; name: string; value: string };

interface Props {
  action: string;
  fields: Field[];
  submit: string;
  /** A one-button form (acknowledge, end now) looks like a button, not a form. */
  inline?: boolean;
  confirm?: string;
  danger?: boolean;
  /**
   * Leave the page as it is when the answer carries a message, instead of refreshing it: for a
   * message shown once (recovery codes) that a refreshed page would no longer hold.
   */
  keepMessage?: boolean;
}

/** Reads the form into the JSON the command expects: arrays for checkbox groups, a map for impacts, ISO instants for times. */
function collect(form: HTMLFormElement, fields: Field[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const data = new FormData(form);
  for (const f of fields) {
    if (f.kind === "checkboxes") out[f.name] = data.getAll(f.name).map(String);
    else if (f.kind === "checkbox") out[f.name] = data.get(f.name) === "on";
    else if (f.kind === "impacts") {
      const map: Record<string, string> = {};
      for (const m of f.monitors) {
        const v = String(data.get(`${f.name}:${m.slug}`) ?? "none");
        if (v !== "none") map[m.slug] = v;
      }
      out[f.name] = map;
    } else if (f.kind === "datetime") {
      const v = String(data.get(f.name) ?? "");
      // datetime-local is the maintainer's wall clock; the server stores instants.
      out[f.name] = v ? new Date(v).toISOString() : "";
    } else if (f.kind === "hidden") out[f.name] = f.value;
    else out[f.name] = String(data.get(f.name) ?? "");
  }
  return out;
}

/** A field's help line, under its input. */
function helpOf(f: Field) {
  return "help" in f && f.help ? <small className="help">{f.help}</small> : null;
}

function toLocalInput(iso?: string): string | undefined {
  if (!iso) return undefined;
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function CommandForm({ action, fields, submit, inline, confirm, danger, keepMessage }: Props) {
  const router = useRouter();
  const formId = useId();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [previews, setPreviews] = useState<Record<string, string | null>>({});

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (confirm && !window.confirm(confirm)) return;
    setBusy(true);
    setErrors({});
    setMessage(null);
    try {
      const res = await fetch(`/admin/api/${action}`, {
        method: "POST",
        headers: { "content-type": "application/json", [CSRF_HEADER]: CSRF_HEADER_VALUE },
        body: JSON.stringify(collect(e.currentTarget, fields)),
      });
      const body = (await res.json().catch(() => ({}))) as {
        ok?: boolean;
        errors?: Record<string, string>;
        error?: string;
        redirect?: string;
        message?: string;
      };
      if (res.status === 401 && body.redirect) {
        window.location.assign(`${body.redirect}?next=${encodeURIComponent(window.location.pathname)}`);
        return;
      }
      if (!res.ok) {
        setErrors(body.errors ?? { form: body.error ?? `failed (${res.status})` });
        return;
      }
      if (body.message) setMessage(body.message);
      if (body.redirect) window.location.assign(body.redirect);
      else if (!(keepMessage && body.message)) {
        if (!body.message) {
          (e.target as HTMLFormElement).reset();
          setPreviews({});
        }
        router.refresh();
      }
    } catch {
      setErrors({ form: "the server could not be reached; nothing was saved" });
    } finally {
      setBusy(false);
    }
  }

  async function preview(name: string, form: HTMLFormElement | null) {
    if (previews[name] != null) return setPreviews({ ...previews, [name]: null });
    const markdown = String(new FormData(form ?? undefined).get(name) ?? "");
    const res = await fetch("/admin/api/preview", {
      method: "POST",
      headers: { "content-type": "application/json", [CSRF_HEADER]: CSRF_HEADER_VALUE },
      body: JSON.stringify({ markdown }),
    });
    const body = (await res.json().catch(() => ({}))) as { html?: string };
    setPreviews({ ...previews, [name]: body.html ?? "" });
  }

  const err = (name: string) =>
    errors[name] ? (
      <span className="field-error" id={`${formId}-${name}-error`} role="alert">
        {errors[name]}
      </span>
    ) : null;
  const described = (name: string) => (errors[name] ? `${formId}-${name}-error` : undefined);

  return (
    <form className={inline ? "command inline" : "command"} onSubmit={onSubmit} noValidate data-action={action}>
      {errors.form && (
        <p className="form-error" role="alert">
          {errors.form}
        </p>
      )}
      {fields.map((f) => {
        const id = `${formId}-${f.name}`;
        if (f.kind === "hidden") return null;
        const help = helpOf(f);
        switch (f.kind) {
          case "textarea":
            return (
              <div className="field" key={f.name}>
                <label htmlFor={id}>{f.label}</label>
                <textarea
                  id={id}
                  name={f.name}
                  rows={f.rows ?? 5}
                  defaultValue={f.defaultValue}
                  aria-invalid={!!errors[f.name]}
                  aria-describedby={described(f.name)}
                />
                {f.markdown && (
                  <button type="button" className="link" onClick={(e) => preview(f.name, e.currentTarget.form)}>
                    {previews[f.name] != null ? "Hide preview" : "Preview"}
                  </button>
                )}
                {previews[f.name] != null && (
                  <div
                    className="markdown preview"
                    data-testid="markdown-preview"
                    // biome-ignore lint/security/noDangerouslySetInnerHtml: the preview route renders with renderMarkdown, which escapes raw HTML
                    dangerouslySetInnerHTML={{ __html: previews[f.name]! }}
                  />
                )}
                {help}
                {err(f.name)}
              </div>
            );
          case "select":
            return (
              <div className="field" key={f.name}>
                <label htmlFor={id}>{f.label}</label>
                <select
                  id={id}
                  name={f.name}
                  defaultValue={f.defaultValue}
                  aria-invalid={!!errors[f.name]}
                  aria-describedby={described(f.name)}
                >
                  {f.options.map((o) => (
                    <option key={o.value} value={o.value}>
                      {o.label}
                    </option>
                  ))}
                </select>
                {help}
                {err(f.name)}
              </div>
            );
          case "checkbox":
            return (
              <div className="field check" key={f.name}>
                <input type="checkbox" id={id} name={f.name} defaultChecked={f.defaultChecked} />
                <label htmlFor={id}>{f.label}</label>
                {help}
                {err(f.name)}
              </div>
            );
          case "checkboxes":
            return (
              <fieldset className="field" key={f.name} aria-describedby={described(f.name)}>
                <legend>{f.label}</legend>
                <div className="choices">
                  {f.options.map((o) => (
                    <label key={o.value}>
                      <input type="checkbox" name={f.name} value={o.value} defaultChecked={f.defaultValues?.includes(o.value)} /> {o.label}
                    </label>
                  ))}
                </div>
                {help}
                {err(f.name)}
              </fieldset>
            );
          case "impacts":
            return (
              <fieldset className="field" key={f.name} aria-describedby={described(f.name)}>
                <legend>{f.label}</legend>
                <div className="impacts">
                  {f.monitors.map((m) => (
                    <label key={m.slug}>
                      <span>{m.name}</span>
                      <select name={`${f.name}:${m.slug}`} defaultValue={f.defaultValues?.[m.slug] ?? "none"}>
                        {IMPACTS.map((i) => (
                          <option key={i} value={i}>
                            {i === "none" ? "not affected" : i}
                          </option>
                        ))}
                      </select>
                    </label>
                  ))}
                </div>
                {help}
                {err(f.name)}
              </fieldset>
            );
          case "datetime":
            return (
              <div className="field" key={f.name}>
                <label htmlFor={id}>{f.label}</label>
                <input
                  type="datetime-local"
                  id={id}
                  name={f.name}
                  defaultValue={toLocalInput(f.defaultValue)}
                  aria-invalid={!!errors[f.name]}
                  aria-describedby={described(f.name)}
                />
                {help}
                {err(f.name)}
              </div>
            );
          default:
            return (
              <div className="field" key={f.name}>
                <label htmlFor={id}>{f.label}</label>
                <input
                  type={f.kind}
                  id={id}
                  name={f.name}
                  defaultValue={f.defaultValue}
                  autoComplete={f.autoComplete}
                  aria-invalid={!!errors[f.name]}
                  aria-describedby={described(f.name)}
                />
                {help}
                {err(f.name)}
              </div>
            );
        }
      })}
      <button type="submit" disabled={busy} className={danger ? "danger" : undefined}>
        {busy ? "…" : submit}
      </button>
      {message && (
        <p className="form-message" role="status">
          {message}
        </p>
      )}
    </form>
  );
}
