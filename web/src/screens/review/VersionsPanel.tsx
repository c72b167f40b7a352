// Version history of one VTT: every save, restore and shift; compare any version with the
// current one; restore a version (a new version, so nothing is ever lost).
import { useEffect, useState } from "preact/hooks";
import { api, call, errorText, type Schemas } from "../../api/client";
import { announce } from "../../app/store";
import { when } from "../../app/format";
import { ErrorBanner } from "../../components/Banner";

type Summary = Schemas["VersionSummary"];
type Props = {
  jobId: string;
  lang: string;
  kind: "captions" | "descriptions";
  etag: string;
  versionId: string | null;
  dirty: boolean;
  onRestored: (doc: Schemas["VttDocument"]) => void;
};

const SOURCES: Record<string, string> = { edit: "Edit", restore: "Restore", "adjust-timing": "Timing shift", snapshot: "As generated" };

export function VersionsPanel({ jobId, lang, kind, etag, versionId, dirty, onRestored }: Props) {
  const [items, setItems] = useState<Summary[]>([]);
  const [error, setError] = useState("");
  const [diff, setDiff] = useState<{ of: Summary; text: string; summary: string } | null>(null);
  const [open, setOpen] = useState(false);

  useEffect(() => {
    if (!open) return;
    api
      .get("/api/v1/jobs/{id}/vtt-versions/{lang}", { path: { id: jobId, lang }, query: { kind, limit: 50 } })
      .then((l) => {
        setItems(l.items);
        setError("");
      })
      .catch((e) => setError(errorText(e)));
  }, [open, jobId, lang, kind, etag]);

  const compare = async (v: Summary) => {
    const current = versionId ?? items[0]?.id;
    if (!current) return;
    try {
      const d = await api.get("/api/v1/jobs/{id}/vtt-versions/{lang}/diff", { path: { id: jobId, lang }, query: { from: v.id, to: current } });
      const s = d.summary as Record<string, number>;
      const summary = Object.entries(s)
        .map(([k, n]) => `${n} ${k}`)
        .join(", ");
      setDiff({ of: v, text: d.unified_diff || "No differences.", summary });
    } catch (e) {
      setError(errorText(e));
    }
  };

  const restore = async (v: Summary) => {
    if (dirty) {
      setError("Save or undo your edits before restoring a version.");
      return;
    }
    try {
      const r = await call<"post", "/api/v1/jobs/{id}/vtt-versions/{lang}/{version_id}/restore">("post", "/api/v1/jobs/{id}/vtt-versions/{lang}/{version_id}/restore", {
        path: { id: jobId, lang, version_id: v.id },
        headers: { "If-Match": etag },
      });
      onRestored(r.data as Schemas["VttDocument"]);
      announce(`Version ${v.seq} restored.`);
      setDiff(null);
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <details class="panel" open={open} onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>Versions of the {kind}</summary>
      <ErrorBanner error={error} />
      {open && items.length === 0 && !error && <p>No saved versions yet: the first save makes one.</p>}
      <ol class="versions">
        {items.map((v) => (
          <li key={v.id}>
            <span>
              <strong>Version {v.seq}</strong> · {SOURCES[v.source] ?? v.source} · {when(v.created_at)}
              {v.author_email ? ` · ${v.author_email}` : ""} · {v.cue_count} cues
              {v.id === versionId ? " · current" : ""}
            </span>
            {v.message && <span class="user-text muted"> “{v.message}”</span>}
            <span class="version-buttons">
              <button type="button" class="button secondary small" onClick={() => compare(v)} disabled={v.id === versionId} aria-label={`Compare version ${v.seq} with the current one`}>
                Compare
              </button>
              <button type="button" class="button secondary small" onClick={() => restore(v)} disabled={v.id === versionId} aria-label={`Restore version ${v.seq}`}>
                Restore
              </button>
            </span>
          </li>
        ))}
      </ol>
      {diff && (
        <div class="diff" role="region" aria-label={`Changes from version ${diff.of.seq} to the current version`}>
          <h3>
            From version {diff.of.seq} to the current version{diff.summary ? ` (${diff.summary})` : ""}
          </h3>
          <pre class="unified-diff" tabIndex={0} aria-label="Unified diff">{diff.text}</pre>
        </div>
      )}
    </details>
  );
}
