// Sign in with email and password, or with Microsoft (the platform redirects to Microsoft and
// back to /auth/microsoft/callback, which completes the flow).
import { useEffect, useState } from "preact/hooks";
import { navigate, queryParam } from "../../app/router";
import { signIn } from "../../app/session";
import { useStore } from "../../app/store";
import { ErrorSummary, type FieldError } from "../../components/ErrorSummary";
import { TextField } from "../../components/TextField";

/** Where to go after signing in: only a path inside the console. */
export function safeNext(raw: string | null): string {
  if (!raw || !raw.startsWith("/") || raw.startsWith("//") || raw.startsWith("/signin")) return "/jobs";
  return raw;
}

export function SignInScreen() {
  const session = useStore((s) => s.session);
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (session) navigate(safeNext(queryParam("next")), true);
  }, [session]);

  const submit = async (e: Event) => {
    e.preventDefault();
    const found: FieldError[] = [];
    if (!email.trim()) found.push({ field: "email", text: "Enter your email address" });
    if (!password) found.push({ field: "password", text: "Enter your password" });
    setErrors(found);
    if (found.length) return;
    setBusy(true);
    try {
      await signIn(email.trim(), password);
    } catch (err) {
      setErrors([{ text: (err as Error).message }]);
    } finally {
      setBusy(false);
    }
  };

  const fieldError = (f: string) => errors.find((e) => e.field === f);
  return (
    <section class="narrow">
      <h1 tabIndex={-1}>Sign in</h1>
      <ErrorSummary errors={errors} />
      <form onSubmit={submit} noValidate>
        <TextField id="email" name="email" type="email" label="Email address" autocomplete="username" spellcheck={false} value={email} onValue={setEmail} error={fieldError("email")?.text} />
        <TextField id="password" name="password" type="password" label="Password" autocomplete="current-password" value={password} onValue={setPassword} error={fieldError("password")?.text} />
        <button type="submit" class="button" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <p class="or">or</p>
      <a
        class="button secondary"
        href="/api/v1/auth/microsoft/login"
        onClick={() => sessionStorage.setItem("avp-sso-next", safeNext(queryParam("next")))}
      >
        Sign in with Microsoft
      </a>
    </section>
  );
}
