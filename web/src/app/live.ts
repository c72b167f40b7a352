// WebSocket channels (WS /api/v1/ws/jobs/{id}, WS /api/v1/ws/org/{org_id}), same origin, with the
// access token as ?token=. Reconnects with backoff; after an expired token (4408) it refreshes
// first; after a drop it asks for what it missed with ?since=<last updated_at>.
import { announce, store } from "./store";
import { refreshSession } from "./session";

export type LiveMessage = {
  type: "job_status_update" | "notification" | "ping";
  job_id: string | null;
  org_id?: string | null;
  status: string | null;
  updated_at: string;
  kind?: string;
  message?: string;
  lang?: string;
  percent?: number;
  step?: string;
  // kind "retry": an attempt of `step` failed; `attempt` of `max_attempts` starts in `delay_seconds`
  attempt?: number;
  max_attempts?: number;
  delay_seconds?: number;
};

const FINAL = new Set([4400, 4401, 4403, 4404]);
const GRACE_MS = 3000; // a reconnect within this time is not worth telling anyone about

// Channels not connected right now; the shell says "live updates paused" while any has been
// down longer than GRACE_MS (a closed channel leaves the set).
const down = new Set<object>();
let downTimer: number | undefined;
function setDown(channel: object, isDown: boolean): void {
  if (isDown) down.add(channel);
  else down.delete(channel);
  if (!down.size) {
    window.clearTimeout(downTimer);
    downTimer = undefined;
    if (store.get().liveDown) {
      store.set({ liveDown: false });
      announce("Live updates are back.");
    }
    return;
  }
  if (downTimer === undefined && !store.get().liveDown)
    downTimer = window.setTimeout(() => {
      downTimer = undefined;
      if (down.size) store.set({ liveDown: true });
    }, GRACE_MS);
}

/** Open `path` and call `onMessage` for each message until the returned function is called. */
export function openChannel(path: string, onMessage: (m: LiveMessage) => void, onState?: (connected: boolean) => void): () => void {
  let ws: WebSocket | null = null;
  let closed = false;
  let attempt = 0;
  let since: string | null = null;
  let retry: number | undefined;
  const me = {};

  const connect = () => {
    const session = store.get().session;
    if (closed || !session) return;
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    const q = new URLSearchParams({ token: session.token });
    if (since) q.set("since", since);
    ws = new WebSocket(`${proto}//${location.host}${path}?${q}`);
    ws.onopen = () => {
      attempt = 0;
      setDown(me, false);
      onState?.(true);
    };
    ws.onmessage = (ev) => {
      let msg: LiveMessage;
      try {
        msg = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      if (msg.type === "job_status_update" && msg.updated_at) since = msg.updated_at;
      if (msg.type !== "ping") onMessage(msg);
    };
    ws.onclose = async (ev) => {
      onState?.(false);
      if (closed || FINAL.has(ev.code)) {
        setDown(me, false);
        return;
      }
      setDown(me, true);
      if (ev.code === 4408 && !(await refreshSession())) return;
      attempt += 1;
      retry = window.setTimeout(connect, Math.min(30_000, 500 * 2 ** Math.min(attempt, 6)));
    };
  };
  setDown(me, true); // until it opens
  connect();
  return () => {
    closed = true;
    setDown(me, false);
    window.clearTimeout(retry);
    ws?.close(1000);
  };
}
