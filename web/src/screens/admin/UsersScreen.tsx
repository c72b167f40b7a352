// ADMIN: every user, filtered by role and status; change a person's role or disable them.
import { useEffect, useState } from "preact/hooks";
import { api, errorText, type Schemas } from "../../api/client";
import { announce, useStore } from "../../app/store";
import { ROLES, ROLE_WORDS } from "./roles";
import { usePagedList } from "../../app/pagedList";
import { DataTable } from "../../components/DataTable";
import { Pager } from "../../components/Pager";
import { ErrorBanner } from "../../components/Banner";

type Person = Schemas["User"];
type Role = Person["role"];
type Status = "active" | "disabled";

export function UsersScreen() {
  const me = useStore((s) => s.session?.user.id);
  const [role, setRole] = useState("");
  const [org, setOrg] = useState("");
  const [orgs, setOrgs] = useState<Schemas["Organization"][]>([]);
  const [status, setStatus] = useState("");
  const [edits, setEdits] = useState<Record<string, { role: string; status: string }>>({});
  const [saveError, setSaveError] = useState("");

  useEffect(() => {
    api
      .get("/api/v1/organizations", { query: { limit: 100 } })
      .then((l) => setOrgs(l.items))
      .catch(() => undefined); // the filter is optional; the list below still loads
  }, []);
  const orgName = (id: string | null) => (id ? (orgs.find((o) => o.id === id)?.name ?? id) : "None");

  const list = usePagedList<Person>(
    (cursor, signal) =>
      api
        .get("/api/v1/admin/users", { query: { org_id: org || undefined, role: (role || undefined) as Role | undefined, status: (status || undefined) as Status | undefined, limit: 50, cursor }, signal })
        .then((l) => {
          setEdits({});
          return l;
        }),
    [org, role, status],
  );
  const { items: users, error, loading, pages } = list;

  async function save(u: Person) {
    const edit = edits[u.id];
    if (!edit) return;
    const body: { role?: Role; status?: Status } = {};
    if (edit.role !== u.role) body.role = edit.role as Role;
    if (edit.status !== u.status) body.status = edit.status as Status;
    try {
      const saved = await api.patch("/api/v1/admin/users/{id}", { path: { id: u.id }, body: body as Schemas["AdminUserUpdate"] }); // only the changed fields: the API leaves the others
      list.setItems((us) => us.map((x) => (x.id === u.id ? saved : x)));
      setEdits(({ [u.id]: _, ...rest }) => rest);
      setSaveError("");
      announce(`${saved.email}: ${ROLE_WORDS[saved.role] ?? saved.role}, ${saved.status === "active" ? "active" : "disabled"}.`);
    } catch (e) {
      setSaveError(`${u.email}: ${errorText(e)}`);
    }
  }

  const filter = (set: (v: string) => void) => (e: Event) => {
    set((e.currentTarget as HTMLSelectElement).value);
  };
  return (
    <section>
      <h1 tabIndex={-1}>Users</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        {/* each label with its list, so they wrap together on a phone */}
        <span class="filter">
          <label for="org-filter">Organisation</label>
          <select id="org-filter" value={org} onChange={filter(setOrg)}>
            <option value="">All organisations</option>
            {orgs.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        </span>
        <span class="filter">
          <label for="role-filter">Role</label>
          <select id="role-filter" value={role} onChange={filter(setRole)}>
            <option value="">All roles</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_WORDS[r]}
              </option>
            ))}
          </select>
        </span>
        <span class="filter">
          <label for="status-filter">Status</label>
          <select id="status-filter" value={status} onChange={filter(setStatus)}>
            <option value="">Active and disabled</option>
            <option value="active">Active</option>
            <option value="disabled">Disabled</option>
          </select>
        </span>
      </form>
      <ErrorBanner error={saveError || error} />
      <DataTable
        caption={`Users, page ${pages.page + 1}`}
        columns={["Email", "Name", "Organisation", "Role", "Status", "Save"]}
        busy={loading}
        rowCount={users.length}
        empty={error ? null : "Nobody matches these filters."}
      >
          {users.map((u) => {
            const edit = edits[u.id] ?? { role: u.role, status: u.status };
            const changed = edit.role !== u.role || edit.status !== u.status;
            const set = (patch: Partial<typeof edit>) => setEdits({ ...edits, [u.id]: { ...edit, ...patch } });
            return (
              <tr key={u.id} data-user-id={u.id}>
                <td>{u.email}</td>
                <td>{u.name}</td>
                <td>{orgName(u.org_id)}</td>
                <td>
                  <label class="visually-hidden" for={`role-${u.id}`}>
                    Role of {u.email}
                  </label>
                  <select id={`role-${u.id}`} value={edit.role} disabled={u.id === me} onChange={(e) => set({ role: e.currentTarget.value })}>
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {ROLE_WORDS[r]}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <label class="visually-hidden" for={`status-${u.id}`}>
                    Status of {u.email}
                  </label>
                  <select id={`status-${u.id}`} value={edit.status} disabled={u.id === me} onChange={(e) => set({ status: e.currentTarget.value })}>
                    <option value="active">Active</option>
                    <option value="disabled">Disabled</option>
                  </select>
                </td>
                <td>
                  {u.id === me ? (
                    <span class="muted">You</span>
                  ) : (
                    <button type="button" class="button small" disabled={!changed} onClick={() => save(u)}>
                      Save<span class="visually-hidden"> {u.email}</span>
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
      </DataTable>
      <Pager pages={pages} />
    </section>
  );
}
