// One organisation: its members (remove), an invite form that shows the accept-invite link to
// copy, and (ADMIN, PM) whether its clients share jobs.
import { useEffect, useState } from "preact/hooks";
import { api, errorText, type Schemas } from "../../api/client";
import type { ScreenProps } from "../../app/router";
import { announce, useStore } from "../../app/store";
import { when } from "../../app/format";
import { Link } from "../../components/Link";
import { ErrorSummary, type FieldError } from "../../components/ErrorSummary";
import { ROLES, ROLE_WORDS } from "./roles";
import { usePagedList } from "../../app/pagedList";
import { DataTable } from "../../components/DataTable";
import { Pager } from "../../components/Pager";
import { ErrorBanner } from "../../components/Banner";
import { TextField } from "../../components/TextField";

type Person = Schemas["User"];
type Invite = Schemas["Invite"];

export function OrgScreen({ params }: ScreenProps) {
  const id = params.id;
  const me = useStore((s) => s.session?.user);
  const [org, setOrg] = useState<Schemas["Organization"] | null>(null);
  const [error, setError] = useState("");
  const [email, setEmail] = useState("");
  const [role, setRole] = useState("CLIENT");
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [invite, setInvite] = useState<Invite | null>(null);

  useEffect(() => {
    if (me?.role !== "ADMIN") return;
    // There is no GET of one organisation: an ADMIN finds its name in the list.
    (async () => {
      let cursor: string | undefined;
      for (let i = 0; i < 20; i++) {
        const l = await api.get("/api/v1/organizations", { query: { limit: 100, cursor } });
        const found = l.items.find((o) => o.id === id);
        if (found) return setOrg(found);
        if (!l.next_cursor) return;
        cursor = l.next_cursor;
      }
    })().catch(() => undefined);
  }, [id]);

  const list = usePagedList<Person>(
    (cursor, signal) => api.get("/api/v1/organizations/{id}/members", { path: { id }, query: { limit: 50, cursor }, signal }),
    [id],
  );
  const { items: members, pages } = list;
  const shownError = error || list.error;

  async function sendInvite(e: Event) {
    e.preventDefault();
    const errs: FieldError[] = [];
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email.trim())) errs.push({ field: "invite-email", text: "Enter an email address like name@example.com" });
    setErrors(errs);
    if (errs.length) return;
    try {
      const inv = await api.post("/api/v1/organizations/{id}/invite", {
        path: { id },
        body: { email: email.trim(), role: role as Invite["role"] },
      });
      setInvite(inv);
      setEmail("");
      announce(`Invite for ${inv.email} created${inv.email_sent ? " and emailed" : ""}. Copy the link below to send it yourself.`);
    } catch (err) {
      setErrors([{ field: "invite-email", text: errorText(err) }]);
    }
  }

  async function saveSettings(e: Event) {
    e.preventDefault();
    if (!org) return;
    const form = e.currentTarget as HTMLFormElement;
    const name = (form.elements.namedItem("org-rename") as HTMLInputElement).value.trim();
    const share = (form.elements.namedItem("org-share") as HTMLInputElement).checked;
    if (!name) {
      setError("Enter the organisation's name.");
      return;
    }
    try {
      const saved = await api.patch("/api/v1/organizations/{id}", { path: { id }, body: { name, clients_share_jobs: share } });
      setOrg(saved);
      setError("");
      announce(`Settings of ${saved.name} saved.`);
    } catch (err) {
      setError(errorText(err));
    }
  }

  async function remove(p: Person) {
    if (!window.confirm(`Remove ${p.email} from this organisation?`)) return;
    try {
      await api.delete("/api/v1/organizations/{id}/members/{user_id}", { path: { id, user_id: p.id } });
      announce(`${p.email} removed.`);
      list.reload();
    } catch (err) {
      setError(errorText(err));
    }
  }

  async function copy() {
    if (!invite) return;
    try {
      await navigator.clipboard.writeText(invite.link);
      announce("Invite link copied.");
    } catch {
      const field = document.getElementById("invite-link") as HTMLInputElement | null;
      field?.select();
      announce("Copying is blocked here: the link is selected, press Control+C to copy it.");
    }
  }

  return (
    <section>
      <p>
        <Link href={me?.role === "ADMIN" ? "/admin/orgs" : "/admin"}>{me?.role === "ADMIN" ? "Organisations" : "Administration"}</Link>
      </p>
      <h1 tabIndex={-1}>{org ? org.name : "Organisation members"}</h1>
      <ErrorBanner error={shownError} />
      {org && (
        <details class="panel">
          <summary>Settings</summary>
          <form class="narrow" onSubmit={saveSettings} key={`${org.name}:${org.clients_share_jobs}`}>
            <div class="field">
              <label for="org-rename">Name</label>
              <input id="org-rename" name="org-rename" type="text" maxLength={200} defaultValue={org.name} />
            </div>
            <div class="checkbox">
              <input id="org-share" name="org-share" type="checkbox" defaultChecked={org.clients_share_jobs} />
              <label for="org-share">Clients of this organisation see each other's jobs</label>
            </div>
            <button type="submit" class="button">
              Save settings
            </button>
          </form>
        </details>
      )}
      <h2>Members</h2>
      <DataTable
        caption={`Members, page ${pages.page + 1}`}
        columns={["Email", "Name", "Role", "Status", "Joined", "Actions"]}
        busy={list.loading}
        rowCount={members.length}
        empty={list.error ? null : "Nobody belongs to this organisation yet: invite someone below."}
      >
          {members.map((p) => (
            <tr key={p.id}>
              <td>{p.email}</td>
              <td>{p.name}</td>
              <td>{ROLE_WORDS[p.role] ?? p.role}</td>
              <td>{p.status === "active" ? "Active" : "Disabled"}</td>
              <td class="when">{when(p.created_at)}</td>
              <td>
                {p.id !== me?.id && (
                  <button type="button" class="button small warning" onClick={() => remove(p)}>
                    Remove<span class="visually-hidden"> {p.email}</span>
                  </button>
                )}
              </td>
            </tr>
          ))}
      </DataTable>
      <Pager pages={pages} label="Member pages" />
      <h2>Invite someone</h2>
      <form class="narrow" onSubmit={sendInvite} noValidate>
        <ErrorSummary errors={errors} />
        <TextField id="invite-email" type="email" label="Email address" autoComplete="off" value={email} onValue={setEmail} error={errors[0]?.text} />
        <div class="field">
          <label for="invite-role">Role</label>
          <select id="invite-role" value={role} onChange={(e) => setRole(e.currentTarget.value)}>
            {ROLES.filter((r) => r !== "ADMIN").map((r) => (
              <option key={r} value={r}>
                {ROLE_WORDS[r]}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="button">
          Create invite
        </button>
      </form>
      {invite && (
        <div class="banner ok" aria-labelledby="invite-done">
          <h3 id="invite-done">Invite for {invite.email}</h3>
          <p>
            {invite.email_sent ? "We emailed this link." : "The email could not be sent: send this link yourself."} It works once, until {when(invite.expires_at)}.
          </p>
          <div class="copy-row">
            <label class="visually-hidden" for="invite-link">
              Invite link
            </label>
            <input id="invite-link" type="text" readOnly value={invite.link} onFocus={(e) => e.currentTarget.select()} />
            <button type="button" class="button secondary" onClick={copy}>
              Copy link
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
