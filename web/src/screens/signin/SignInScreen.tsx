// Sign in with email and password, or with Microsoft (the platform redirects to Microsoft and
// back to /auth/microsoft/callback, which completes the flow).
import { useEffect, useState } from "preact/hooks";
import { navigate, queryParam } from "../../app/router";
import { signIn } from "../../app/session";
import { useStore } from "../../app/store";
import { ErrorSummary, type FieldError } from "../../components/ErrorSummary";

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
        <div class={`field ${fieldError("email") ? "has-error" : ""}`}>
          <label for="email">Email address</label>
          {fieldError("email") && (
            <p class="field-error" id="email-error">
              {fieldError("email")!.text}
            </p>
          )}
          <input
            id="email"
            name="email"
            type="email"
            autocomplete="username"
            spellcheck={false}
            value={email}
            aria-invalid={fieldError("email") ? "true" : undefined}
            aria-describedby={fieldError("email") ? "email-error" : undefined}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </div>
        <div class={`field ${fieldError("password") ? "has-error" : ""}`}>
          <label for="password">Password</label>
          {fieldError("password") && (
            <p class="field-error" id="password-error">
              {fieldError("password")!.text}
            </p>
          )}
          <input
            id="password"
            name="password"
            type="password"
            autocomplete="current-password"
            value={password}
            aria-invalid={fieldError("password") ? "true" : undefined}
            aria-describedby={fieldError("password") ? "password-error" : undefined}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </div>
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
