// Signing in and staying signed in. The access token lives only in memory; the refresh token
// is the platform's HttpOnly SameSite=Strict cookie. A timer refreshes the access token a
// minute before its 15-minute expiry, so a person working in the review screen is never cut off.
import { announce, store, type Session, type User } from "./store";

const REFRESH_AHEAD_MS = 60_000;
let timer: number | undefined;
let inflight: Promise<boolean> | null = null;

type LoginAnswer = { access_token: string; user: User };

function expiryOf(token: string): number {
  try {
    const payload = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    if (typeof payload.exp === "number") return payload.exp * 1000;
  } catch {
    // not a JWT we can read: assume the documented 15 minutes
  }
  return Date.now() + 15 * 60_000;
}

function schedule(session: Session): void {
  window.clearTimeout(timer);
  const wait = Math.max(5_000, session.expiresAt - Date.now() - REFRESH_AHEAD_MS);
  timer = window.setTimeout(() => {
    void refreshSession().then((ok) => {
      if (!ok) sessionExpired();
    });
  }, wait);
}

/** Store the session from a login-shaped answer (login, refresh, SSO callback, accept-invite). */
export function startSession(answer: LoginAnswer): Session {
  const session: Session = { token: answer.access_token, user: answer.user, expiresAt: expiryOf(answer.access_token) };
  store.set({ session, sessionChecked: true, sessionExpired: false });
  schedule(session);
  return session;
}

async function postJson(url: string, body?: unknown, token?: string): Promise<Response> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  return fetch(url, {
    method: "POST",
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  });
}

async function detailOf(resp: Response): Promise<string> {
  try {
    const data = await resp.json();
    if (typeof data?.detail === "string") return data.detail;
  } catch {
    // fall through to the status line
  }
  return `The platform answered ${resp.status}.`;
}

/** Sign in with email and password; throws an Error with the platform's detail on failure. */
export async function signIn(email: string, password: string): Promise<Session> {
  let resp: Response;
  try {
    resp = await postJson("/api/v1/auth/login", { email, password });
  } catch {
    throw new Error("The platform could not be reached. Check your connection and try again.");
  }
  if (!resp.ok) throw new Error(await detailOf(resp));
  return startSession(await resp.json());
}

/** Exchange the refresh cookie for a new access token; false when there is no valid session. */
export function refreshSession(): Promise<boolean> {
  if (!inflight) {
    inflight = (async () => {
      try {
        const resp = await postJson("/api/v1/auth/refresh");
        if (!resp.ok) return false;
        startSession(await resp.json());
        return true;
      } catch {
        return false;
      } finally {
        window.setTimeout(() => (inflight = null), 0);
      }
    })();
  }
  return inflight;
}

/** On load: resume the session from the refresh cookie, if there is one. */
export async function resumeSession(): Promise<void> {
  const ok = await refreshSession();
  if (!ok) store.set({ sessionChecked: true });
}

/** The session ended without the person signing out (refresh refused): ask them to sign in again. */
export function sessionExpired(): void {
  window.clearTimeout(timer);
  if (!store.get().session) return;
  store.set({ session: null, sessionExpired: true, sessionChecked: true });
  announce("Your session has ended. Sign in again to continue; your unsaved edits are kept.");
}

export async function signOut(): Promise<void> {
  const session = store.get().session;
  window.clearTimeout(timer);
  if (session) {
    try {
      await postJson("/api/v1/auth/logout", undefined, session.token);
    } catch {
      // signed out locally anyway; the refresh token expires on its own
    }
  }
  store.set({ session: null, sessionExpired: false });
  announce("You are signed out.");
}
