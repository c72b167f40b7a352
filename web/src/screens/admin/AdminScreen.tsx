// The administration hub: links to the admin screens a person's role may use.
import { useStore } from "../../app/store";
import { Link } from "../../components/Link";

export function AdminScreen() {
  const user = useStore((s) => s.session?.user);
  const admin = user?.role === "ADMIN";
  return (
    <section>
      <h1 tabIndex={-1}>Administration</h1>
      <ul class="admin-links">
        {admin && (
          <li>
            <Link href="/admin/orgs">Organisations</Link>
            <p>Create organisations, see their members, invite people.</p>
          </li>
        )}
        {!admin && user?.org_id && (
          <li>
            <Link href={`/admin/orgs/${user.org_id}`}>Members and invites</Link>
            <p>Your organisation's people; invite someone with a link to copy.</p>
          </li>
        )}
        {admin && (
          <li>
            <Link href="/admin/users">Users</Link>
            <p>Every account: change a role, disable or enable.</p>
          </li>
        )}
        <li>
          <Link href="/admin/audit">Audit log</Link>
          <p>Who did what and when, with filters.</p>
        </li>
        {admin && (
          <li>
            <Link href="/admin/glossaries">Glossaries</Link>
            <p>Terms for translation; import and export CSV.</p>
          </li>
        )}
      </ul>
    </section>
  );
}
