// Your account: who you are signed in as, linking a Microsoft account (so "Sign in with
// Microsoft" works for you), and the way to change your password.
import { useState } from "preact/hooks";
import { api, errorText } from "../../api/client";
import { queryParam } from "../../app/router";
import { useStore } from "../../app/store";
import { Link } from "../../components/Link";
import { ErrorBanner } from "../../components/Banner";
import { ROLE_WORDS } from "../admin/roles";
import { LINKED_PATH, SSO_NEXT_KEY } from "../sso/MicrosoftCallbackScreen";

export function AccountScreen() {
  const user = useStore((s) => s.session?.user);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const linked = queryParam("linked") === "microsoft";

  async function linkMicrosoft() {
    setBusy(true);
    setError("");
    try {
      // The platform keeps the link request with a one-time state and a browser-bound cookie;
      // Microsoft sends the browser back to /auth/microsoft/callback, which completes it.
      const answer = await api.post("/api/v1/auth/microsoft/link", {});
      sessionStorage.setItem(SSO_NEXT_KEY, LINKED_PATH);
      location.assign(answer.authorize_url);
    } catch (e) {
      setError(`Your Microsoft account was not linked: ${errorText(e)}`);
      setBusy(false);
    }
  }

  if (!user) return null;
  return (
    <section class="narrow-wide">
      <h1 tabIndex={-1}>Your account</h1>
      <dl class="meta">
        <dt>Email address</dt>
        <dd>{user.email}</dd>
        <dt>Role</dt>
        <dd>{ROLE_WORDS[user.role] ?? user.role}</dd>
      </dl>
      <h2>Microsoft account</h2>
      {linked ? (
        <p class="banner ok">Your Microsoft account is linked. Next time you can use “Sign in with Microsoft”.</p>
      ) : (
        <p>Link your Microsoft work account to this account, then sign in with “Sign in with Microsoft” instead of your password. You confirm it at Microsoft.</p>
      )}
      <ErrorBanner error={error} />
      {!linked && (
        <button type="button" class="button secondary" onClick={linkMicrosoft} disabled={busy}>
          {busy ? "Opening Microsoft…" : "Link Microsoft account"}
        </button>
      )}
      <h2>Password</h2>
      <p>
        <Link href="/account/password">Change your password</Link>
      </p>
    </section>
  );
}
