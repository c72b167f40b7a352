// A cursor-paged list from the API: the items of the page on screen, loading and error state,
// and the pages seen so far (components/Pager.tsx draws the buttons). `deps` are the filters:
// when one changes, the list goes back to its first page.
import { useEffect, useRef, useState } from "preact/hooks";
import { errorText } from "../api/client";
import { usePages, type Pages } from "../components/Pager";

export type PagedList<T> = {
  items: T[];
  setItems: (f: (items: T[]) => T[]) => void;
  error: string;
  loading: boolean;
  pages: Pages;
  /** Load the page on screen again (after a change, or a live update). */
  reload: () => void;
};

export function usePagedList<T>(
  load: (cursor: string | undefined, signal: AbortSignal) => Promise<{ items: T[]; next_cursor?: string | null }>,
  deps: unknown[],
): PagedList<T> {
  const pages = usePages();
  const [items, setItems] = useState<T[]>([]);
  const [error, setError] = useState("");
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const filterKey = JSON.stringify(deps);
  const lastFilter = useRef(filterKey);
  const resetting = lastFilter.current !== filterKey && pages.page !== 0;
  lastFilter.current = filterKey;
  useEffect(() => {
    if (resetting) pages.reset();
  }, [filterKey]);
  useEffect(() => {
    if (resetting) return;
    const ctrl = new AbortController();
    setLoading(true);
    load(pages.cursor, ctrl.signal)
      .then((list) => {
        setItems(list.items);
        pages.setNext(list.next_cursor ?? null);
        setError("");
      })
      .catch((e) => {
        if ((e as Error).name !== "AbortError") setError(errorText(e));
      })
      .finally(() => {
        if (!ctrl.signal.aborted) setLoading(false);
      });
    return () => ctrl.abort();
  }, [filterKey, pages.page, pages.cursor, tick]);
  return { items, setItems, error, loading, pages, reload: () => setTick((t) => t + 1) };
}
