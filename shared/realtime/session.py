"""One WebSocket connection's life, whatever library carries it:

1. check the token and `since` (close 4401 / 4408 / 4400 before any data);
2. subscribe to the channel, *then* read and check the job or organisation (close 4404 /
   4403): a change made after that read is already queued, so nothing falls in between;
3. send the current state (the job's status; on an org channel with `?since=`, every job of
   the organisation changed since then, then a `ping` marking the subscription live);
4. write what the hub could not write directly, a `ping` every interval, and close with 4408
   when the token expires (or 4401 if the account is disabled meanwhile).
"""

from __future__ import annotations

import logging
import time
from typing import Protocol

from shared.auth.tokens import Principal
from shared.bootstrap import platform
from shared.domain.jobs import JobDocument, assignees
from shared.domain.roles import CLIENT, LINGUIST
from shared.persistence import job_store
from shared.persistence.documents import Query
from shared.persistence.job_store import JobStore
from shared.realtime import access
from shared.realtime import protocol as P
from shared.realtime.access import Refused
from shared.realtime.hub import Hub, JobLookup, Subscriber, job_channel, org_channel
from shared.realtime.hub import hub as process_hub

log = logging.getLogger("avp.realtime")


class Transport(Protocol):
    """A server-side WebSocket connection as the session and the hub use it."""

    connected: bool

    def try_write(self, frame: bytes) -> int: ...  # hub.WRITTEN / PARTIAL / NOT_WRITTEN, never blocks
    def write(self, frame: bytes) -> None: ...  # blocking, after any partly written frame
    def flush(self) -> None: ...  # finish a partly written frame (blocking)
    def close(self, code: int, reason: str) -> None: ...
    def drain(self) -> None: ...  # discard whatever the client sent (the protocol is one-way)
    def on_activity(self, callback) -> None: ...  # callback() when input arrives or the socket closes


def _linguist_filter(user_id: str):
    """A LINGUIST hears the jobs with a language assigned to them, and of the notifications about
    one language (they carry its `assignee`) only those about their own (decision 0910)."""

    def accept(event: dict, lookup: JobLookup) -> bool:
        if event.get("assignee") not in (None, user_id):
            return False
        if event.get("assignee") == user_id or user_id in (event.get("assignees") or ()):
            return True
        job = lookup.job(event["job_id"])
        return job is not None and user_id in assignees(job)

    return accept


def _client_filter(principal: Principal):
    """A CLIENT on its organisation's stream hears only the jobs it may see: its own, or all
    of the organisation's when the organisation shares jobs among its clients."""

    def accept(event: dict, lookup: JobLookup) -> bool:
        job = lookup.job(event["job_id"])
        return job is not None and access.can_see_job(principal, job)

    return accept


class Session:
    def __init__(self, transport: Transport, kind: str, target: str, args: dict, hub: Hub | None = None):
        self.transport = transport
        self.kind = kind  # "job" | "org"
        self.target = target
        self.args = args
        self.hub = hub or process_hub()
        self.principal: Principal | None = None
        self.sub: Subscriber | None = None
        self.close_code: int | None = None
        self.admitted = False

    # -- entry point -------------------------------------------------------------------------
    def run(self) -> int | None:
        """Serve the connection until it ends; returns the close code sent (None if the client left)."""
        try:
            self._open()
            self._loop()
        except Refused as r:
            self._close(r.code, r.reason)
        except OSError:  # the peer went away mid-write
            pass
        except Exception:
            log.exception("websocket session failed", extra={"fields": {"kind": self.kind}})
            self._close(P.INTERNAL_ERROR, "Internal error; reconnect")
        finally:
            if self.sub is not None:
                self.hub.unsubscribe(self.sub)
            if self.admitted and self.principal is not None:
                self.hub.release(self.principal.user_id)
        return self.close_code

    # -- steps -------------------------------------------------------------------------------
    def _open(self) -> None:
        self.principal = access.authenticate(self.args.get("token"))
        self.admitted = self.hub.admit(self.principal.user_id)
        since = access.parse_since(self.args.get("since"))
        p = self.principal
        accept = None
        if self.kind == "job":
            channel = job_channel(self.target)
            if p.role == LINGUIST:
                accept = _linguist_filter(p.user_id)
        else:
            channel = org_channel(self.target)
            if p.role == LINGUIST:
                accept = _linguist_filter(p.user_id)
            elif p.role == CLIENT:
                accept = _client_filter(p)
        self.sub = Subscriber(channel, accept, P.queue_limit())
        self.hub.subscribe(self.sub)  # events queue from here on; nothing is written before attach
        self.transport.on_activity(self.sub.wake)
        initial = []
        if self.kind == "job":
            initial.append(P.job_status_message(access.open_job(p, self.target)))
        else:
            access.open_org(p, self.target)
            if since is not None:
                initial.extend(P.job_status_message(job) for job in self._changed_since(since))
        # The current state goes out first: write it, then let the hub write directly.
        for msg in self.sub.prime(initial):
            self.transport.write(P.text_frame(P.dumps(msg)))
        if self.kind == "org":
            # An org stream has no current state of its own: a first ping tells the client the
            # subscription is live (events from now on will arrive).
            self.transport.write(P.text_frame(P.dumps(P.ping_message())))
        self.sub.attach(self.transport)

    def _changed_since(self, since: str) -> list[JobDocument]:
        assert self.principal is not None  # admitted before anything is read
        out: list[JobDocument] = []
        store, cap, cursor = JobStore(platform().documents), P.since_limit(), None
        while len(out) < cap:
            page = store.query(
                Query(
                    job_store.COLLECTION,
                    where=[("org_id", "==", self.target), ("updated_at", ">", since)],
                    order_by=[("updated_at", "asc")],
                    limit=min(200, cap - len(out)),
                    cursor=cursor,
                )
            )
            out.extend(j for j in page.items if access.can_see_job(self.principal, j))
            cursor = page.next_cursor
            if not cursor or not page.items:
                break
        return out[:cap]

    def _loop(self) -> None:
        assert self.principal is not None and self.sub is not None  # set by _open before the loop
        interval = P.ping_seconds()
        next_ping = time.monotonic() + interval
        t = self.transport
        while True:
            until_expiry = self.principal.exp - time.time() if self.principal.exp else interval
            flush, frames = self.sub.take(min(next_ping - time.monotonic(), until_expiry))
            if not t.connected:
                return
            if self.hub.closing:
                raise Refused(P.GOING_AWAY, "Server instance shutting down; reconnect")
            if flush:
                t.flush()
            for frame in frames:
                t.write(frame)
            if self.sub.overflowed:
                raise Refused(P.TOO_SLOW, "Too many unread messages; reconnect with ?since=")
            t.drain()
            if self.principal.exp and time.time() >= self.principal.exp:
                raise Refused(P.TOKEN_EXPIRED, "Access token expired; refresh it and reconnect")
            if time.monotonic() >= next_ping:
                self._recheck()
                t.write(P.text_frame(P.dumps(P.ping_message())))
                next_ping = time.monotonic() + interval

    def _recheck(self) -> None:
        """At each ping: is the account still active, in the same organisation and role, and
        may it still see the channel (a linguist still assigned)? (The token in the URL may be
        a single-use ticket: the account is read again, not the token.)"""
        assert self.principal is not None
        self.principal = access.recheck(self.principal)
        if self.kind == "job":
            access.open_job(self.principal, self.target)

    def _close(self, code: int, reason: str) -> None:
        self.close_code = code
        try:
            if self.transport.connected:
                self.transport.close(code, reason)
        except Exception:  # the peer is already gone
            pass
