// Messages in a banner: an error (announced at once), or a screen that could not load.
import type { ComponentChildren } from "preact";

/** `retry`: what loads the failed data again (a list that could not load offers "Try again"). */
export function ErrorBanner({ error, retry }: { error: string; retry?: () => void }) {
  if (!error) return null;
  return (
    <div class="banner error" role="alert">
      <p class="banner-line">{error}</p>
      {retry && (
        <button type="button" class="button secondary small" onClick={retry}>
          Try again
        </button>
      )}
    </div>
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
