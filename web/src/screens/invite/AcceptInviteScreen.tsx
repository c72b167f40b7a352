// Accept an invite from its link (/accept-invite?token=...): choose a password (and a name),
// or accept with a Microsoft account; either way the person is signed in afterwards.
import { useState } from "preact/hooks";
import { api, errorText } from "../../api/client";
import { navigate, queryParam } from "../../app/router";
import { startSession } from "../../app/session";
import { announce, type User } from "../../app/store";
import { ErrorSummary, type FieldError } from "../../components/ErrorSummary";
import { TextField } from "../../components/TextField";

const MIN = 10;

export function AcceptInviteScreen() {
  const token = queryParam("token") ?? "";
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    const errs: FieldError[] = [];
    if (password.length < MIN) errs.push({ field: "new-password", text: `Choose a password of at least ${MIN} characters` });
    else if (password !== confirm) errs.push({ field: "confirm-password", text: "The two passwords differ: type the same password twice" });
    setErrors(errs);
    if (errs.length) return;
    setBusy(true);
    try {
      const answer = await api.post<"/api/v1/auth/accept-invite", { access_token: string; user: User }>("/api/v1/auth/accept-invite", {
        body: { token, password, name: name.trim() || null },
      });
      startSession(answer);
      announce("Welcome: your account is ready and you are signed in.");
      navigate(answer.user.role === "LINGUIST" ? "/assignments" : "/jobs", true);
    } catch (err) {
      setErrors([{ field: "new-password", text: errorText(err) }]);
    } finally {
      setBusy(false);
    }
  }

  const err = (f: string) => errors.find((x) => x.field === f);
  if (!token) {
    return (
      <section class="narrow">
        <h1 tabIndex={-1}>Accept your invite</h1>
        <p class="banner error" role="alert">
          This link has no invite token. Open the link from your invite email again, or ask the person who invited you for a new one.
        </p>
      </section>
    );
  }
  return (
    <section class="narrow">
      <h1 tabIndex={-1}>Accept your invite</h1>
      <p>Choose a password to create your account. The invite works once.</p>
      <ErrorSummary errors={errors} />
      <form onSubmit={submit} noValidate>
        <TextField id="invite-name" label="Your name (optional)" autocomplete="name" maxLength={200} value={name} onValue={setName} />
        <TextField id="new-password" type="password" label="New password" autocomplete="new-password" hint={`At least ${MIN} characters; a long phrase is easiest to remember.`} value={password} onValue={setPassword} error={err("new-password")?.text} />
        <TextField id="confirm-password" type="password" label="Type the password again" autocomplete="new-password" value={confirm} onValue={setConfirm} error={err("confirm-password")?.text} />
        <button type="submit" class="button" disabled={busy}>
          {busy ? "Creating your account…" : "Create account"}
        </button>
      </form>
      <p class="or">or</p>
      <a
        class="button secondary"
        href={`/api/v1/auth/microsoft/login?invite=${encodeURIComponent(token)}`}
        onClick={() => sessionStorage.setItem("avp-sso-next", "/jobs")}
      >
        Accept with Microsoft
      </a>
    </section>
  );
}
