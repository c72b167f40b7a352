// A list screen's table: a caption for screen readers, column headers, the rows the screen
// renders, and what to say when there are none. Used by every list (jobs, admin, downloads).
import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";

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
  // On a phone (styles.css, under 600 px) each row is stacked, every cell under its column's name
  // (data-label). Displayed as blocks, a table loses its table semantics, so the roles are said.
  const ref = useRef<HTMLTableElement>(null);
  useEffect(() => {
    ref.current?.querySelectorAll("tbody > tr").forEach((tr) => {
      tr.setAttribute("role", "row");
      Array.from(tr.children).forEach((cell, i) => {
        cell.setAttribute("role", cell.tagName === "TH" ? "rowheader" : "cell");
        if (columns[i]) cell.setAttribute("data-label", columns[i]);
      });
    });
  });
  // Nothing to list: the sentence alone (headers over no rows only make people look for them).
  if (!busy && rowCount === 0 && empty) return <p class="empty">{empty}</p>;
  // Nothing loaded because of an error (empty is null): the error banner says it all.
  if (!busy && rowCount === 0) return null;
  return (
    <>
      <div class="table-scroll">
        <table class="table" role="table" ref={ref} aria-busy={busy ? "true" : "false"}>
          <caption class="visually-hidden">{caption}</caption>
          <thead role="rowgroup">
            <tr role="row">
              {columns.map((c) => (
                <th key={c} scope="col" role="columnheader">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody role="rowgroup">{children}</tbody>
        </table>
      </div>
      {/* Not a live region: the table's aria-busy says it, and the screen's own status messages stay the one status. */}
      {busy && rowCount === 0 && <p class="muted">Loading…</p>}
    </>
  );
}
