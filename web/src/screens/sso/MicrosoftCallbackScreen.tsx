// Where Microsoft sends the browser back after sign-in (the redirect URI). It relays the
// authorization response to POST /api/v1/auth/microsoft/callback, which checks the state cookie,
// redeems the code (PKCE) and signs the person in; then it opens the page they came from.
import { useEffect, useRef, useState } from "preact/hooks";
import { navigate } from "../../app/router";
import { startSession } from "../../app/session";
import { Link } from "../../components/Link";
import { safeNext } from "../signin/SignInScreen";
import { plainStatus } from "../../api/client";

export const SSO_NEXT_KEY = "avp-sso-next";
/** Where the page returns to after linking a Microsoft account (screens/account). */
export const LINKED_PATH = "/account?linked=microsoft";

export function MicrosoftCallbackScreen() {
  const [error, setError] = useState("");
  const started = useRef(false);
  // Linking (from Your account) rather than signing in: the words of a refusal differ.
  const [linking] = useState(() => sessionStorage.getItem(SSO_NEXT_KEY) === LINKED_PATH);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const q = new URLSearchParams(location.search);
    const body = {
      code: q.get("code"),
      state: q.get("state") ?? "",
      error: q.get("error"),
      error_description: q.get("error_description"),
    };
    // The code is single-use: take it out of the address bar and history at once.
    history.replaceState(null, "", location.pathname);
    if (!body.state) {
      setError("This page is where Microsoft sign-in returns to; it was opened without a sign-in response. Start again from the sign-in page.");
      return;
    }
    (async () => {
      try {
        const resp = await fetch("/api/v1/auth/microsoft/callback", {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify(body),
          credentials: "same-origin",
        });
        const data = await resp.json().catch(() => ({}));
        if (!resp.ok) {
          sessionStorage.removeItem(SSO_NEXT_KEY);
          setError(typeof data.detail === "string" ? data.detail : plainStatus(resp.status));
          return;
        }
        startSession(data);
        const next = safeNext(sessionStorage.getItem(SSO_NEXT_KEY));
        sessionStorage.removeItem(SSO_NEXT_KEY);
        navigate(next, true);
      } catch {
        setError("The platform could not be reached to finish signing in. Check your connection and start again.");
      }
    })();
  }, []);

  return (
    <section class="narrow">
      <h1 tabIndex={-1}>{linking ? "Linking your Microsoft account" : "Signing in with Microsoft"}</h1>
      {error ? (
        <>
          <div class="banner error" role="alert">
            <p>
              <strong>{linking ? "Your Microsoft account was not linked." : "You are not signed in."}</strong>
            </p>
            <p class="user-text">{error}</p>
          </div>
          <p>
            {linking ? <Link href="/account">Back to your account</Link> : <Link href="/signin">Back to sign in</Link>}
          </p>
        </>
      ) : (
        <p role="status" aria-busy="true">
          {linking ? "Linking your Microsoft account…" : "Finishing sign-in…"}
        </p>
      )}
    </section>
  );
}
