import { Link } from "../../components/Link";

export function NotFoundScreen() {
  return (
    <section>
      <h1 tabIndex={-1}>Page not found</h1>
      <p>
        There is no console page at this address. <Link href="/jobs">Go to the jobs list</Link>.
      </p>
    </section>
  );
}
