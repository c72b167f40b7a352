// The app shell: skip link, header with navigation and the signed-in person, the live region,
// and the current screen in <main>. Moves focus to the screen's heading on navigation.
import { useEffect } from "preact/hooks";
import { match, navigate, useLocation } from "./router";
import { routes, type RouteDef } from "./routes";
import { useStore } from "./store";
import { signOut } from "./session";
import { Link } from "../components/Link";
import { NotFoundScreen } from "../screens/notfound/NotFoundScreen";
import { ROLE_WORDS } from "../screens/admin/roles";

function resolve(path: string): { route: RouteDef | null; params: Record<string, string> } {
  for (const route of routes) {
    const params = match(route.path, path);
    if (params) return { route, params };
  }
  return { route: null, params: {} };
}

export function Shell() {
  const loc = useLocation();
  const session = useStore((s) => s.session);
  const checked = useStore((s) => s.sessionChecked);
  const expired = useStore((s) => s.sessionExpired);
  const liveDown = useStore((s) => s.liveDown);
  const announcement = useStore((s) => s.announcement);
  const path = loc.split("?")[0];
  const { route, params } = resolve(path === "/" ? "/jobs" : path);

  const needsSignIn = checked && !session && route && !route.public;
  useEffect(() => {
    if (needsSignIn) navigate(`/signin?next=${encodeURIComponent(loc)}`, true);
    else if (path === "/" && checked) navigate("/jobs", true);
  }, [needsSignIn, path, checked]);

  useEffect(() => {
    document.title = `${route?.title ?? "Not found"} · Accessible Video Console`;
    const h1 = document.querySelector<HTMLElement>("main h1");
    if (h1 && document.activeElement === document.body) h1.focus();
  }, [loc, route]);

  const Screen = route?.screen ?? NotFoundScreen;
  // The navigation entry of this page: the longest nav path that is the path or a prefix of it.
  const currentNav = routes
    .filter((r) => r.nav && (path === r.path || path.startsWith(r.path + "/")))
    .sort((a, b) => b.path.length - a.path.length)[0]?.path;
  const showScreen = !route || route.public || session;
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to main content
      </a>
      <header class="masthead">
        <div class="masthead-inner">
          <Link href="/jobs" class="brand">
            Accessible Video Console
          </Link>
          {session && (
            <div class="who">
              <span class="who-name">
                <span class="visually-hidden">Signed in as </span>
                {session.user.email} <span class="role">({ROLE_WORDS[session.user.role] ?? session.user.role})</span>
              </span>
              <button
                type="button"
                class="button secondary"
                onClick={async () => {
                  await signOut();
                  navigate("/signin", true);
                }}
              >
                Sign out
              </button>
            </div>
          )}
        </div>
        {session && (
          <nav aria-label="Main" class="service-nav">
            <ul class="nav-list">
              {routes
                .filter((r) => r.nav && (!r.nav.roles || r.nav.roles.includes(session.user.role)))
                .map((r) => (
                  <li key={r.path}>
                    <Link href={r.path} aria-current={r.path === currentNav ? "page" : undefined}>
                      {r.nav!.label}
                    </Link>
                  </li>
                ))}
            </ul>
          </nav>
        )}
      </header>
      {expired && !session && (
        <div class="banner warn" role="alert">
          Your session ended. Sign in again to carry on: unsaved edits stay on this device.
        </div>
      )}
      {session && liveDown && (
        <div class="banner warn live-down" role="status">
          Live updates are paused: the connection to the platform dropped and the console keeps trying to reconnect. What you see may be out of date; nothing you typed is lost.{" "}
          <button type="button" class="linklike" onClick={() => location.reload()}>
            Reload the page
          </button>
        </div>
      )}
      <main id="main" tabIndex={-1}>
        {!checked ? <p aria-busy="true">Loading…</p> : showScreen ? <Screen params={params} /> : null}
      </main>
      <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true" key={announcement.n}>
        {announcement.text}
      </div>
    </>
  );
}
