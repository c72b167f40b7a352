// Messages in a banner: an error (announced at once), or a screen that could not load.
import type { ComponentChildren } from "preact";

export function ErrorBanner({ error }: { error: string }) {
  if (!error) return null;
  return (
    <p class="banner error" role="alert">
      {error}
    </p>
  );
}

/** What a screen shows before its data is there: its heading with "Loading…" or the error. */
export function ScreenPending({ title, error }: { title: string; error?: string }) {
  return (
    <section>
      <h1 tabIndex={-1}>{title}</h1>
      {error ? <ErrorBanner error={error} /> : <p aria-busy="true">Loading…</p>}
    </section>
  );
}

export function Notice({ tone = "ok", children }: { tone?: "ok" | "warn" | "info"; children: ComponentChildren }) {
  return (
    <p class={`banner ${tone === "info" ? "" : tone}`} role="status">
      {children}
    </p>
  );
}
