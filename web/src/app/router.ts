// A small history router: the route table maps patterns ("/jobs/:id") to screens; links and
// navigate() push history entries; the shell moves focus to the new screen's heading.
import { useEffect, useState } from "preact/hooks";

export type Params = Record<string, string>;
// What every screen receives: the path parameters of its route.
export type ScreenProps = { params: Params };

let current = location.pathname + location.search;
const listeners = new Set<() => void>();

function notify() {
  current = location.pathname + location.search;
  listeners.forEach((l) => l());
}
window.addEventListener("popstate", notify);

export function navigate(to: string, replace = false): void {
  if (to === location.pathname + location.search) return;
  if (replace) history.replaceState(null, "", to);
  else history.pushState(null, "", to);
  notify();
}

export function useLocation(): string {
  const [loc, setLoc] = useState(current);
  useEffect(() => {
    const l = () => setLoc(current);
    listeners.add(l);
    return () => {
      listeners.delete(l);
    };
  }, []);
  return loc;
}

/** Params of `pattern` if `path` matches it ("/jobs/:id" vs "/jobs/abc" -> {id: "abc"}). */
export function match(pattern: string, path: string): Params | null {
  const p = pattern.split("/").filter(Boolean);
  const s = path.split("?")[0].split("/").filter(Boolean);
  if (p.length !== s.length) return null;
  const params: Params = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(":")) params[p[i].slice(1)] = decodeURIComponent(s[i]);
    else if (p[i] !== s[i]) return null;
  }
  return params;
}

export function queryParam(name: string): string | null {
  return new URLSearchParams(location.search).get(name);
}
