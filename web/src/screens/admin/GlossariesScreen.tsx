// ADMIN: the glossaries of an organisation and a form to create one.
import { useEffect, useState } from "preact/hooks";
import { api, errorText, type Schemas } from "../../api/client";
import { navigate, queryParam } from "../../app/router";
import { announce } from "../../app/store";
import { when } from "../../app/format";
import { Link } from "../../components/Link";
import { ErrorSummary, type FieldError } from "../../components/ErrorSummary";
import { DataTable } from "../../components/DataTable";
import { ErrorBanner } from "../../components/Banner";

type Org = Schemas["Organization"];
type Summary = Schemas["GlossarySummary"];

export function GlossariesScreen() {
  const [orgs, setOrgs] = useState<Org[]>([]);
  const [org, setOrg] = useState(queryParam("org") ?? "");
  const [items, setItems] = useState<Summary[]>([]);
  const [error, setError] = useState("");
  const [name, setName] = useState("");
  const [source, setSource] = useState("en");
  const [errors, setErrors] = useState<FieldError[]>([]);

  useEffect(() => {
    api
      .get("/api/v1/organizations", { query: { limit: 100 } })
      .then((l) => {
        setOrgs(l.items);
        if (!org && l.items.length) setOrg(l.items[0].id);
      })
      .catch((e) => setError(errorText(e)));
  }, []);

  useEffect(() => {
    if (!org) return;
    api
      .get("/api/v1/glossaries", { query: { org_id: org } })
      .then((l) => {
        setItems(l.items);
        setError("");
      })
      .catch((e) => setError(errorText(e)));
  }, [org]);

  async function create(e: Event) {
    e.preventDefault();
    const errs: FieldError[] = [];
    if (!name.trim()) errs.push({ field: "glossary-name", text: "Enter the glossary's name" });
    if (!org) errs.push({ field: "glossary-org", text: "Choose an organisation" });
    setErrors(errs);
    if (errs.length) return;
    try {
      const g = await api.post("/api/v1/glossaries", { body: { org_id: org, name: name.trim(), description: "", is_default: false, source_language: source.trim() || "en" } });
      announce(`Glossary ${g.name} created.`);
      navigate(`/admin/glossaries/${g.id}`);
    } catch (err) {
      setErrors([{ field: "glossary-name", text: errorText(err) }]);
    }
  }

  return (
    <section>
      <p>
        <Link href="/admin">Administration</Link>
      </p>
      <h1 tabIndex={-1}>Glossaries</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label for="glossary-org">Organisation</label>
        <select
          id="glossary-org"
          value={org}
          onChange={(e) => {
            setOrg(e.currentTarget.value);
            navigate(`/admin/glossaries?org=${e.currentTarget.value}`, true);
          }}
        >
          {orgs.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </select>
      </form>
      <ErrorBanner error={error} />
      <DataTable
        caption={`Glossaries`}
        columns={["Name", "Source language", "Terms", "Default", "Updated"]}
        rowCount={items.length}
        empty={error ? null : "This organisation has no glossary yet."}
      >
        {items.map((g) => (
          <tr key={g.id}>
            <td>
              <Link href={`/admin/glossaries/${g.id}`}>{g.name}</Link>
            </td>
            <td>{g.source_language}</td>
            <td>{g.term_count}</td>
            <td>{g.is_default ? "Yes" : "No"}</td>
            <td class="when">{when(g.updated_at)}</td>
          </tr>
        ))}
      </DataTable>
      <h2>New glossary</h2>
      <form class="narrow" onSubmit={create} noValidate>
        <ErrorSummary errors={errors} />
        <div class="field">
          <label for="glossary-name">Name</label>
          <input id="glossary-name" type="text" maxLength={200} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="glossary-source">Source language (BCP-47, for example en)</label>
          <input id="glossary-source" type="text" value={source} onInput={(e) => setSource(e.currentTarget.value)} />
        </div>
        <button type="submit" class="button">
          Create glossary
        </button>
      </form>
    </section>
  );
}
