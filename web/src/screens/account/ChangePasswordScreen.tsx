// Change your own password. The platform signs out every other session and returns a fresh
// one for this browser, so the person stays signed in here.
import { useState } from "preact/hooks";
import { api, errorText } from "../../api/client";
import { startSession } from "../../app/session";
import { announce, useStore, type User } from "../../app/store";
import { ErrorSummary, type FieldError } from "../../components/ErrorSummary";
import { TextField } from "../../components/TextField";

const MIN = 10;

export function ChangePasswordScreen() {
  const user = useStore((s) => s.session?.user);
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirm, setConfirm] = useState("");
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    const errs: FieldError[] = [];
    if (!current) errs.push({ field: "current-password", text: "Enter your current password" });
    if (next.length < MIN) errs.push({ field: "new-password", text: `Choose a new password of at least ${MIN} characters` });
    else if (next !== confirm) errs.push({ field: "confirm-password", text: "The two new passwords differ: type the same password twice" });
    setErrors(errs);
    setDone(false);
    if (errs.length) return;
    setBusy(true);
    try {
      const answer = await api.post<"/api/v1/auth/change-password", { access_token: string; user: User }>("/api/v1/auth/change-password", {
        body: { current_password: current, new_password: next },
      });
      if (answer && typeof answer === "object" && "access_token" in answer) startSession(answer);
      setCurrent("");
      setNext("");
      setConfirm("");
      setDone(true);
      announce("Password changed. Other devices are signed out.");
    } catch (err) {
      const text = errorText(err);
      setErrors([{ field: /current/i.test(text) ? "current-password" : "new-password", text }]);
    } finally {
      setBusy(false);
    }
  }

  const err = (f: string) => errors.find((x) => x.field === f)?.text;
  return (
    <section class="narrow">
      <h1 tabIndex={-1}>Change password</h1>
      {user && <p>Signed in as {user.email}.</p>}
      {done && (
        <p class="banner ok" role="status">
          Your password is changed. Every other device was signed out; this one stays signed in.
        </p>
      )}
      <ErrorSummary errors={errors} />
      <form onSubmit={submit} noValidate>
        <input type="text" name="username" autocomplete="username" value={user?.email ?? ""} hidden readOnly />
        <TextField id="current-password" type="password" label="Current password" autocomplete="current-password" value={current} onValue={setCurrent} error={err("current-password")} />
        <TextField id="new-password" type="password" label="New password" autocomplete="new-password" hint={`At least ${MIN} characters; not a common password.`} value={next} onValue={setNext} error={err("new-password")} />
        <TextField id="confirm-password" type="password" label="Type the new password again" autocomplete="new-password" value={confirm} onValue={setConfirm} error={err("confirm-password")} />
        <button type="submit" class="button" disabled={busy}>
          {busy ? "Changing…" : "Change password"}
        </button>
      </form>
    </section>
  );
}
