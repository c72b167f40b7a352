// Live updates for the board and the assignments view: watch the organisation streams and
// reload (debounced) when a job changes status or a language is assigned, approved or rejected.
import { useEffect, useRef } from "preact/hooks";
import { openChannel, type LiveMessage } from "../../app/live";

export function useOrgReload(orgs: string[], reload: (m: LiveMessage) => void): void {
  const timer = useRef<number>();
  const latest = useRef(reload);
  latest.current = reload;
  const key = Array.from(new Set(orgs)).sort().join(",");
  useEffect(() => {
    if (!key) return;
    const closers = key.split(",").map((org) =>
      openChannel(`/api/v1/ws/org/${encodeURIComponent(org)}`, (m) => {
        if (m.type === "ping" || !m.job_id) return;
        window.clearTimeout(timer.current);
        timer.current = window.setTimeout(() => latest.current(m), 300);
      }),
    );
    return () => {
      window.clearTimeout(timer.current);
      closers.forEach((c) => c());
    };
  }, [key]);
}
