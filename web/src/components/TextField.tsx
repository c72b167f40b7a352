// A labelled text input with its hint and its error, wired for screen readers (aria-invalid,
// aria-describedby): the sign-in, accept-invite, password and admin forms all use it.
import type { JSX } from "preact";

type Props = Omit<JSX.InputHTMLAttributes<HTMLInputElement>, "label" | "onInput" | "value" | "type"> & {
  id: string;
  label: string;
  value: string;
  onValue: (v: string) => void;
  hint?: string;
  error?: string;
  type?: string;
};

export function TextField({ id, label, value, onValue, hint, error, type = "text", ...rest }: Props) {
  const describedBy = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div class={`field${error ? " has-error" : ""}`}>
      <label for={id}>{label}</label>
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
      <input {...rest} id={id} type={type} value={value} aria-invalid={error ? "true" : undefined} aria-describedby={describedBy} onInput={(e) => onValue(e.currentTarget.value)} />
    </div>
  );
}
