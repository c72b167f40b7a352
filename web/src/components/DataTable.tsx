// A list screen's table: a caption for screen readers, column headers, the rows the screen
// renders, and what to say when there are none. Used by every list (jobs, admin, downloads).
import type { ComponentChildren } from "preact";

type Props = {
  caption: string;
  columns: string[];
  busy?: boolean;
  /** Shown under the table when there is no row (omit or null while loading or on an error). */
  empty?: string | null;
  rowCount: number;
  children: ComponentChildren;
};

export function DataTable({ caption, columns, busy = false, empty, rowCount, children }: Props) {
  // Nothing to list: the sentence alone (headers over no rows only make people look for them).
  if (!busy && rowCount === 0 && empty) return <p class="empty">{empty}</p>;
  // Nothing loaded because of an error (empty is null): the error banner says it all.
  if (!busy && rowCount === 0) return null;
  return (
    <>
      <div class="table-scroll">
        <table class="table" aria-busy={busy ? "true" : "false"}>
          <caption class="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c} scope="col">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>{children}</tbody>
        </table>
      </div>
      {/* Not a live region: the table's aria-busy says it, and the screen's own status messages stay the one status. */}
      {busy && rowCount === 0 && <p class="muted">Loading…</p>}
    </>
  );
}
