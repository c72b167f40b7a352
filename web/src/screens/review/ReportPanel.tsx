// "What the pipeline noticed": every section of the language's QC report in words, beside the
// decision, with "Go to cue" on each note that is about a cue (it selects the cue, seeks the
// video there and moves focus to its text).
import type { Note, NoteKind, Section } from "./report";
import { shortTime } from "./vtt";

type Props = {
  sections: Section[] | null; // null: still loading
  error: string;
  onJump: (kind: NoteKind, at: number) => void;
};

export function ReportPanel({ sections, error, onJump }: Props) {
  const warnings = (sections ?? []).reduce((n, s) => n + s.notes.filter((x) => x.warn).length, 0);
  return (
    <section class="panel report" aria-labelledby="report-title">
      <h2 id="report-title">What the pipeline noticed</h2>
      {error ? (
        <p class="banner">{error}</p>
      ) : sections === null ? (
        <p class="muted" role="status">
          Loading the QC report…
        </p>
      ) : sections.length === 0 ? (
        <p class="muted">The pipeline has not written a QC report for this language yet.</p>
      ) : (
        <>
          <p class="muted">
            {warnings ? `${warnings} ${warnings === 1 ? "thing" : "things"} to check` : "Nothing to check"}, noted when the pipeline made these files (your edits since are checked live in the cue list).
          </p>
          {sections.map((s) => (
            <details key={s.id} class="report-section" open={s.notes.some((n) => n.warn)}>
              <summary>
                <span class="report-title">
                  {s.title}
                  {s.notes.filter((n) => n.warn).length ? ` (${s.notes.filter((n) => n.warn).length} to check)` : ""}:
                </span>{" "}
                <span class="report-summary">{s.summary}</span>
              </summary>
              {s.notes.length === 0 && <p class="muted">Nothing more to say.</p>}
              {s.notes.length > 0 && (
                <ul class="report-notes">
                  {s.notes.slice(0, 200).map((n, i) => (
                    <ReportNote key={i} note={n} onJump={onJump} />
                  ))}
                  {s.notes.length > 200 && <li>and {s.notes.length - 200} more.</li>}
                </ul>
              )}
            </details>
          ))}
        </>
      )}
    </section>
  );
}

function ReportNote({ note, onJump }: { note: Note; onJump: Props["onJump"] }) {
  return (
    <li class={note.warn ? "report-warn" : "report-info"}>
      <span class="visually-hidden">{note.warn ? "To check: " : "Note: "}</span>
      {note.text}
      {note.quote && (
        <>
          {" "}
          <q class="user-text">{note.quote}</q>
        </>
      )}
      {note.kind && note.at !== undefined && (
        <>
          {" "}
          <button type="button" class="linklike" onClick={() => onJump(note.kind!, note.at!)}>
            Go to the {note.kind === "captions" ? "caption" : "description"} at {shortTime(note.at)}
          </button>
        </>
      )}
    </li>
  );
}
