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
        if ((e as Error).name === "AbortError") return;
        setItems([]); // not the previous filter's or page's rows under this one's error
        setError(errorText(e));
      })
      .finally(() => {
        if (!ctrl.signal.aborted) setLoading(false);
      });
    return () => ctrl.abort();
  }, [filterKey, pages.page, pages.cursor, tick]);
  return { items, setItems, error, loading, pages, reload: () => setTick((t) => t + 1) };
}

/** Every item of a cursor-paged list, following next_cursor (at most `maxPages` pages). */
export async function allPages<T>(page: (cursor: string | undefined) => Promise<{ items: T[]; next_cursor?: string | null }>, maxPages = 10): Promise<T[]> {
  return (await somePages(page, undefined, maxPages)).items;
}

/** Up to `maxPages` pages from `cursor` on, and the cursor after them (null: nothing more). */
export async function somePages<T>(
  page: (cursor: string | undefined) => Promise<{ items: T[]; next_cursor?: string | null }>,
  cursor: string | undefined,
  maxPages: number,
): Promise<{ items: T[]; next: string | null }> {
  const out: T[] = [];
  let at = cursor;
  for (let i = 0; i < maxPages; i++) {
    const p = await page(at);
    out.push(...p.items);
    if (!p.next_cursor) return { items: out, next: null };
    at = p.next_cursor;
  }
  return { items: out, next: at ?? null };
}

export type Loaded<T> = {
  data: T | undefined;
  /** Change the loaded data in place (after an action the API answered). */
  setData: (f: (d: T | undefined) => T | undefined) => void;
  error: string;
  loading: boolean;
  reload: () => void;
};

/** `load()` run when `deps` change or on reload(), with its loading and error state; an answer
 * that arrives after the screen moved on (or after a newer load started) is dropped. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState("");
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setLoading(true);
    load()
      .then((d) => {
        if (!live) return;
        setData(d);
        setError("");
      })
      .catch((e) => {
        if (live) setError(errorText(e));
      })
      .finally(() => {
        if (live) setLoading(false);
      });
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return { data, setData, error, loading, reload: () => setTick((t) => t + 1) };
}
