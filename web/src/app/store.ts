// The console's one small store: session, the current announcement for screen readers and
// whether the session has been checked on load. Screens keep their own data in component state;
// only what several parts of the app share lives here.
import { useEffect, useState } from "preact/hooks";

export type User = { id: string; email: string; role: string; org_id: string | null };
export type Session = { token: string; user: User; expiresAt: number };

export type State = {
  session: Session | null;
  sessionChecked: boolean;
  sessionExpired: boolean; // the session ended on its own (not by signing out)
  announcement: { text: string; n: number };
  liveDown: boolean; // a live channel the screen uses has been down for a few seconds
};

type Listener = (s: State) => void;

function createStore<S>(initial: S) {
  let state = initial;
  const listeners = new Set<(s: S) => void>();
  return {
    get: () => state,
    set(patch: Partial<S>) {
      state = { ...state, ...patch };
      listeners.forEach((l) => l(state));
    },
    subscribe(l: (s: S) => void) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
}

export const store = createStore<State>({
  session: null,
  sessionChecked: false,
  sessionExpired: false,
  announcement: { text: "", n: 0 },
  liveDown: false,
});

/** The selected part of the state; the component re-renders when it changes. */
export function useStore<T>(select: (s: State) => T): T {
  const [value, setValue] = useState(() => select(store.get()));
  useEffect(() => {
    const l: Listener = (s) => setValue(() => select(s));
    const off = store.subscribe(l);
    l(store.get());
    return () => {
      off();
    };
  }, []);
  return value;
}

/** Say `text` in the polite live region (status changes, saves, errors that are not field errors). */
export function announce(text: string): void {
  store.set({ announcement: { text, n: store.get().announcement.n + 1 } });
}
