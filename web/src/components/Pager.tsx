// Cursor paging as every list of the API does it: the cursors of the pages seen so far (so
// "Previous page" needs no cursor from the API) and the next page's cursor from the last answer.
import { useState } from "preact/hooks";

export type Pages = {
  /** The cursor of the page on screen (undefined for the first page). */
  cursor: string | undefined;
  page: number;
  next: string | null;
  setNext: (c: string | null) => void;
  previousPage: () => void;
  nextPage: () => void;
  /** Back to the first page (after a filter changes). */
  reset: () => void;
};

export function usePages(): Pages {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [next, setNext] = useState<string | null>(null);
  const page = cursors.length - 1;
  return {
    cursor: cursors[page] ?? undefined,
    page,
    next,
    setNext,
    previousPage: () => setCursors(cursors.slice(0, -1)),
    nextPage: () => next && setCursors([...cursors, next]),
    reset: () => setCursors([null]),
  };
}

export function Pager({ pages, label = "Pages" }: { pages: Pages; label?: string }) {
  if (pages.page === 0 && !pages.next) return null; // one page: nothing to move between
  return (
    <nav class="pager" aria-label={label}>
      <button type="button" class="button secondary" disabled={pages.page === 0} onClick={pages.previousPage}>
        Previous page
      </button>
      <span>Page {pages.page + 1}</span>
      <button type="button" class="button secondary" disabled={!pages.next} onClick={pages.nextPage}>
        Next page
      </button>
    </nav>
  );
}
