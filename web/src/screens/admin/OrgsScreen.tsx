// ADMIN: organisations (cursor paging) and a form to create one.
import { useEffect, useState } from "preact/hooks";
import { api, errorText, type Schemas } from "../../api/client";
import { announce } from "../../app/store";
import { when } from "../../app/format";
import { Link } from "../../components/Link";
import { ErrorSummary, type FieldError } from "../../components/ErrorSummary";

type Org = Schemas["Organization"];

export function OrgsScreen() {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [orgs, setOrgs] = useState<Org[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState("");
  const [name, setName] = useState("");
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [tick, setTick] = useState(0);
  const page = cursors.length - 1;

  useEffect(() => {
    api
      .get("/api/v1/organizations", { query: { limit: 50, cursor: cursors[page] ?? undefined } })
      .then((l) => {
        setOrgs(l.items);
        setNext(l.next_cursor ?? null);
        setError("");
      })
      .catch((e) => setError(errorText(e)));
  }, [cursors, tick]);

  async function create(e: Event) {
    e.preventDefault();
    if (!name.trim()) {
      setErrors([{ field: "org-name", text: "Enter the organisation's name" }]);
      return;
    }
    try {
      const org = await api.post("/api/v1/organizations", { body: { name: name.trim() } });
      setErrors([]);
      setName("");
      announce(`Organisation ${org.name} created.`);
      setCursors([null]);
      setTick((t) => t + 1);
    } catch (err) {
      setErrors([{ field: "org-name", text: errorText(err) }]);
    }
  }

  return (
    <section>
      <p>
        <Link href="/admin">Administration</Link>
      </p>
      <h1 tabIndex={-1}>Organisations</h1>
      {error && (
        <p class="banner error" role="alert">
          {error}
        </p>
      )}
      <table class="table">
        <caption class="visually-hidden">Organisations, page {page + 1}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Clients share jobs</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {orgs.map((o) => (
            <tr key={o.id}>
              <td>
                <Link href={`/admin/orgs/${o.id}`}>{o.name}</Link>
              </td>
              <td>{o.clients_share_jobs ? "Yes" : "No"}</td>
              <td>{when(o.created_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav class="pager" aria-label="Pages">
        <button type="button" class="button secondary" disabled={page === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous page
        </button>
        <span>Page {page + 1}</span>
        <button type="button" class="button secondary" disabled={!next} onClick={() => setCursors([...cursors, next])}>
          Next page
        </button>
      </nav>
      <h2>New organisation</h2>
      <form class="narrow" onSubmit={create} noValidate>
        <ErrorSummary errors={errors} />
        <div class={`field${errors.length ? " has-error" : ""}`}>
          <label for="org-name">Name</label>
          <input id="org-name" type="text" value={name} maxLength={200} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <button type="submit" class="button">
          Create organisation
        </button>
      </form>
    </section>
  );
}
