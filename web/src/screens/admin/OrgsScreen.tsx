// ADMIN: organisations (cursor paging) and a form to create one.
import { useState } from "preact/hooks";
import { api, errorText, type Schemas } from "../../api/client";
import { announce } from "../../app/store";
import { when } from "../../app/format";
import { Link } from "../../components/Link";
import { ErrorSummary, type FieldError } from "../../components/ErrorSummary";
import { usePagedList } from "../../app/pagedList";
import { DataTable } from "../../components/DataTable";
import { Pager } from "../../components/Pager";
import { ErrorBanner } from "../../components/Banner";
import { TextField } from "../../components/TextField";

type Org = Schemas["Organization"];

export function OrgsScreen() {
  const [name, setName] = useState("");
  const [errors, setErrors] = useState<FieldError[]>([]);
  const list = usePagedList<Org>((cursor, signal) => api.get("/api/v1/organizations", { query: { limit: 50, cursor }, signal }), []);
  const { items: orgs, error, loading, pages } = list;

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
      if (pages.page === 0) list.reload();
      else pages.reset();
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
      <ErrorBanner error={error} />
      <DataTable
        caption={`Organisations, page ${pages.page + 1}`}
        columns={["Name", "Clients share jobs", "Created"]}
        busy={loading}
        rowCount={orgs.length}
        empty={error ? null : "No organisation yet: create the first one below."}
      >
          {orgs.map((o) => (
            <tr key={o.id}>
              <td>
                <Link href={`/admin/orgs/${o.id}`}>{o.name}</Link>
              </td>
              <td>{o.clients_share_jobs ? "Yes" : "No"}</td>
              <td class="when">{when(o.created_at)}</td>
            </tr>
          ))}
      </DataTable>
      <Pager pages={pages} />
      <h2>New organisation</h2>
      <form class="narrow" onSubmit={create} noValidate>
        <ErrorSummary errors={errors} />
        <TextField id="org-name" label="Name" value={name} onValue={setName} maxLength={200} error={errors[0]?.text} />
        <button type="submit" class="button">
          Create organisation
        </button>
      </form>
    </section>
  );
}
