"""`avp`: the platform from a terminal or a script.

    avp login --email pm@example.com            # password from a prompt, AVP_PASSWORD or --password-stdin
    avp jobs create video.mp4 --languages es,ca # upload with a progress bar; --watch to follow it
    avp jobs watch ID                           # WebSocket, one progress bar per step
    avp jobs list | show ID | download ID --out DIR | approve ID | reject ID --reason ... | feedback ID -m ...
    avp vtt edit ID LANG                        # $EDITOR, saved with If-Match; a conflict shows a diff
    avp qc show ID | assign ID LANG --linguist ID_OR_EMAIL | approve ID LANG | reject | feedback
    avp webhooks list | create URL --events job.completed,... | rotate-secret ID | deliveries ID | replay ID D
    avp exit-codes                              # what each exit status means

`--json` prints results as JSON on stdout (progress and messages go to stderr). The platform
URL is `--url`, else AVP_URL, else the URL of the last `avp login`, else
http://localhost:$AVP_PORT (8003)."""

from __future__ import annotations

import argparse
import difflib
import getpass
import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TaskProgressColumn, TextColumn, TransferSpeedColumn
from rich.table import Table

from avp_client import errors
from avp_client.client import FAILED_STATUSES, QC_STATUSES, Client
from avp_client.credentials import CredentialStore
from avp_client.errors import EXIT_CODES, ApiError, AvpError

STEP_OF_STATUS = {
    "UPLOADED": "probe",
    "TRANSCRIBING": "transcribe",
    "DESCRIBING": "describe",
    "TRANSLATING": "translate",
    "TTS_GENERATING": "tts",
    "RENDERING": "render",
}
FINAL_STATUSES = frozenset({"COMPLETED"}) | FAILED_STATUSES


class Output:
    """Where results and messages go: results to stdout (JSON with --json), the rest to stderr."""

    def __init__(self, as_json: bool, quiet: bool):
        self.as_json = as_json
        self.quiet = quiet
        self.out = Console(highlight=False, soft_wrap=True)
        self.err = Console(stderr=True, highlight=False, soft_wrap=True)
        if not self.out.is_terminal:
            self.out.width = 240  # piped tables keep whole ids and timestamps on one line

    def result(self, data, human=None) -> None:
        if self.as_json:
            print(json.dumps(data, indent=2, default=str), flush=True)
        elif human is not None:
            human(data) if callable(human) else self.out.print(human)

    def say(self, message: str) -> None:
        if not self.quiet:
            self.err.print(message)

    def bar(self, transfer: bool = True) -> Progress:
        columns = [TextColumn("{task.description}"), BarColumn(), TaskProgressColumn()]
        if transfer:
            columns += [DownloadColumn(), TransferSpeedColumn()]
        return Progress(*columns, console=self.err, disable=self.quiet or not self.err.is_terminal)


def _client(args) -> Client:
    return Client(args.url, timeout=args.timeout_http)


def _split(raw: str | None) -> list[str]:
    return [p.strip() for p in (raw or "").split(",") if p.strip()]


# -- auth ---------------------------------------------------------------------------------------
def cmd_login(args, out: Output) -> int:
    email = args.email or os.environ.get("AVP_EMAIL") or input("Email: ")
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = os.environ.get("AVP_PASSWORD") or getpass.getpass("Password: ")
    with _client(args) as client:
        user = client.login(email, password)
        client.store.set_default_url(args.url)
    out.say(f"Signed in to {args.url} as {user.get('email', email)} ({user.get('role')})")
    out.result(user)
    return 0


def cmd_logout(args, out: Output) -> int:
    with _client(args) as client:
        client.logout()
    out.say(f"Signed out of {args.url}")
    return 0


def cmd_whoami(args, out: Output) -> int:
    with _client(args) as client:
        me = client.me()
    out.result(me, f"{me.get('email')}  role {me.get('role')}  org {me.get('org_id') or '-'}  id {me.get('id')}")
    return 0


# -- jobs ---------------------------------------------------------------------------------------
def _job_table(out: Output, jobs: list[dict]) -> None:
    table = Table("id", "status", "title", "languages", "progress", "updated")
    for job in jobs:
        progress = job.get("progress") or {}
        step = f"{progress.get('step')} {progress.get('percent', 0):.0f}%" if progress.get("step") else ""
        table.add_row(
            job["_id"],
            job["status"],
            job.get("title") or "",
            ",".join(job.get("requested_outputs") or []),
            step,
            (job.get("updated_at") or "")[:19],
        )
    out.out.print(table)


def _job_line(job: dict) -> str:
    line = f"job {job['_id']}  {job['status']}  outputs {','.join(job.get('requested_outputs') or [])}"
    if job.get("error"):
        line += f"\n  error: {job['error']}"
    if job.get("rejection"):
        line += f"\n  rejected: {job['rejection'].get('reason')}"
    return line


def cmd_jobs_list(args, out: Output) -> int:
    with _client(args) as client:
        jobs = client.list_jobs(status=args.status, org_id=args.org, limit=args.limit, all_pages=args.all)
    out.result(jobs, lambda data: _job_table(out, data))
    return 0


def cmd_jobs_show(args, out: Output) -> int:
    with _client(args) as client:
        job = client.get_job(args.id)
    out.result(job, _job_line(job))
    return 0


def cmd_jobs_create(args, out: Output) -> int:
    video = Path(args.video)
    if not video.is_file():
        raise AvpError(f"No such file: {video}")
    options = {}
    if args.profile:
        options["delivery_profile"] = args.profile
    if args.extended_ad:
        options["extended_ad"] = True
    if args.burn_in:
        options["burn_in"] = True
    with _client(args) as client, out.bar() as bars:
        task = bars.add_task(f"upload {video.name}", total=video.stat().st_size)
        last = [0]

        def progress(done: int, total: int) -> None:
            bars.update(task, completed=done, total=total)
            if not out.err.is_terminal and not out.quiet and done * 4 // total > last[0]:
                last[0] = done * 4 // total
                out.say(f"uploaded {done:,d} of {total:,d} bytes ({100 * done // total}%)")

        job = client.create_job(
            video,
            _split(args.languages),
            source_language=args.source_language,
            title=args.title,
            org_id=args.org,
            glossary_id=args.glossary,
            options=options or None,
            progress=progress,
            signed_upload=True if args.signed_upload else None,
        )
    out.say(f"Created job {job['_id']} ({job['status']})")
    out.result(job, job["_id"])
    if args.watch:
        return _watch(client_args=args, out=out, job_id=job["_id"], until=None, timeout=args.watch_timeout)
    return 0


def _watch(client_args, out: Output, job_id: str, until: set[str] | None, timeout: float | None) -> int:
    """Follow the job until `until` (default: it needs a person or ended), one bar per step."""
    with _client(client_args) as client, out.bar(transfer=False) as bars:
        steps: dict[str, int] = {}
        seen = {"status": None, "logged": {}}

        def bar_for(step: str) -> int:
            if step not in steps:
                steps[step] = bars.add_task(step, total=100)
            return steps[step]

        def on_message(message: dict) -> None:
            kind = message.get("type")
            if kind == "job_status_update" and message.get("status") != seen["status"]:
                status = message["status"]
                previous = STEP_OF_STATUS.get(seen["status"] or "")
                if previous and previous in steps:
                    bars.update(steps[previous], completed=100)
                if STEP_OF_STATUS.get(status):
                    bar_for(STEP_OF_STATUS[status])
                seen["status"] = status
                out.say(f"status {status}")
            elif kind == "notification" and message.get("kind") == "progress" and message.get("step"):
                step, percent = message["step"], float(message.get("percent") or 0)
                bars.update(bar_for(step), completed=percent)
                quarter = int(percent) // 25
                if not out.err.is_terminal and seen["logged"].get(step) != quarter:
                    seen["logged"][step] = quarter
                    out.say(f"step {step} {percent:.0f}%")
            elif kind == "notification":
                lang = f" [{message['lang']}]" if message.get("lang") else ""
                out.say(f"{message.get('kind')}{lang}: {message.get('message')}")

        wanted = until or (QC_STATUSES | {"COMPLETED"})
        try:
            job = client.wait_for(job_id, wanted, timeout=timeout, on_message=on_message)
        except errors.JobFailed as exc:
            out.result(exc.job)
            raise
        for task in steps.values():
            bars.update(task, completed=100)
    out.say(f"Job {job_id} is {job['status']}")
    out.result(job, _job_line(job))
    return 0


def cmd_jobs_watch(args, out: Output) -> int:
    until = set(_split(args.until)) or None
    return _watch(args, out, args.id, until, args.watch_timeout)


def cmd_jobs_download(args, out: Output) -> int:
    folder = Path(args.out) / args.id
    saved = []
    with _client(args) as client:
        listing = client.downloads(args.id)
        files = [f for f in listing["files"] if not args.lang or f["language"] in _split(args.lang)]
        if not files:
            raise AvpError(f"Job {args.id} has no deliverables to download yet")
        with out.bar() as bars:
            for item in files:
                target = folder / item["path"]
                task = bars.add_task(item["path"], total=item.get("size") or None)
                size = client.download(
                    item["url"], target, lambda done, total, t=task: bars.update(t, completed=done, total=total or None)
                )
                saved.append({"path": item["path"], "file": str(target), "bytes": size, "language": item["language"]})
                out.say(f"downloaded {item['path']} ({size:,d} bytes)")
    out.result({"job_id": args.id, "folder": str(folder), "files": saved}, f"{len(saved)} files in {folder}")
    return 0


def cmd_jobs_action(args, out: Output) -> int:
    body = {}
    if args.action == "reject":
        body["reason"] = args.reason
    if args.action == "feedback":
        body["message"] = args.message
    with _client(args) as client:
        job = client.job_action(args.id, args.action, **body)
    out.say(f"{args.action}: job {args.id} is now {job['status']}")
    out.result(job, _job_line(job))
    return 0


def cmd_jobs_delete(args, out: Output) -> int:
    with _client(args) as client:
        client.delete_job(args.id)
    out.say(f"Deleted job {args.id}")
    out.result({"deleted": args.id})
    return 0


# -- VTT ----------------------------------------------------------------------------------------
def _editor() -> list[str]:
    return shlex.split(os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi")


def cmd_vtt_show(args, out: Output) -> int:
    with _client(args) as client:
        doc = client.get_vtt(args.id, args.lang, args.kind)
    out.result(doc, lambda d: print(d["content"], end="" if d["content"].endswith("\n") else "\n"))
    return 0


def cmd_vtt_edit(args, out: Output) -> int:
    with _client(args) as client:
        doc = client.get_vtt(args.id, args.lang, args.kind)
        fd, name = tempfile.mkstemp(prefix=f"avp-{args.id}-{args.lang}-{args.kind}-", suffix=".vtt")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(doc["content"])
        try:
            run = subprocess.run([*_editor(), name])
        except FileNotFoundError as exc:
            raise AvpError(f"Cannot start the editor ({exc}); set $EDITOR") from None
        if run.returncode != 0:
            raise AvpError(f"The editor exited with status {run.returncode}; nothing saved (your copy: {name})")
        edited = Path(name).read_text(encoding="utf-8")
        if edited == doc["content"]:
            os.unlink(name)
            out.say("No changes; nothing saved")
            out.result({"saved": False, **doc}, None)
            return 0
        try:
            saved = client.save_vtt(args.id, args.lang, edited, doc["etag"], args.kind, args.message)
        except ApiError as exc:
            if exc.status != 412:
                out.say(f"Not saved; your edit is kept in {name}")
                raise
            current = client.get_vtt(args.id, args.lang, args.kind)["content"]
            diff = difflib.unified_diff(
                current.splitlines(keepends=True),
                edited.splitlines(keepends=True),
                fromfile=f"{args.lang}/{args.kind}.vtt (saved meanwhile by someone else)",
                tofile=f"{args.lang}/{args.kind}.vtt (your edit, kept in {name})",
            )
            out.err.print("".join(diff), markup=False, highlight=False)
            raise errors.EditConflict(
                f"Conflict: the VTT changed while you edited it; nothing saved. Your edit is in {name}; "
                "run `avp vtt edit` again and re-apply it"
            ) from exc
    os.unlink(name)
    out.say(f"Saved {args.lang} {args.kind} (version {saved.get('version_id')})")
    out.result({"saved": True, **saved}, None)
    return 0


# -- language QC --------------------------------------------------------------------------------
def _qc_table(out: Output, state: dict) -> None:
    table = Table("lang", "status", "assignee", "rejection")
    for entry in state["languages"]:
        table.add_row(
            entry["lang"],
            entry["status"],
            entry.get("assignee_email") or entry.get("assignee") or "",
            entry.get("rejection_reason") or "",
        )
    out.out.print(f"job {state['job_id']}  {state['job_status']}")
    out.out.print(table)


def cmd_qc_show(args, out: Output) -> int:
    with _client(args) as client:
        state = client.language_qc(args.id)
    out.result(state, lambda s: _qc_table(out, s))
    return 0


def cmd_qc_assign(args, out: Output) -> int:
    with _client(args) as client:
        linguist = args.linguist
        if "@" in linguist:
            job = client.get_job(args.id)
            match = [m for m in client.members(job["org_id"]) if m.get("email", "").lower() == linguist.lower()]
            if not match:
                raise ApiError(404, f"No member {linguist} in the job's organisation", "GET", "members")
            linguist = match[0]["id"]
        entries = {}
        for lang in _split(args.lang):
            entries[lang] = client.assign_language(args.id, lang, linguist)
            out.say(f"Assigned {lang} to {args.linguist}")
    out.result(entries if len(entries) > 1 else next(iter(entries.values())), None)
    return 0


def cmd_qc_action(args, out: Output) -> int:
    body = {}
    if args.action == "reject":
        body["reason"] = args.reason
    if args.action == "feedback":
        body["message"] = args.message
    with _client(args) as client:
        entry = client.language_action(args.id, args.lang, args.action, **body)
    out.say(f"{args.action}: {args.lang} of job {args.id} is now {entry['status']}")
    out.result(entry, None)
    return 0


# -- webhooks -----------------------------------------------------------------------------------
def _webhook_line(hook: dict) -> str:
    state = "enabled" if hook.get("enabled", True) else "disabled"
    return f"{hook['id']}  {state}  {hook['url']}  {','.join(hook.get('events') or [])}"


def cmd_webhooks_list(args, out: Output) -> int:
    with _client(args) as client:
        hooks = client.webhooks(args.org or client.me().get("org_id") or "")
    out.result(hooks, "\n".join(_webhook_line(h) for h in hooks) or "no webhooks")
    return 0


def cmd_webhooks_create(args, out: Output) -> int:
    with _client(args) as client:
        org = args.org or client.me().get("org_id")
        if not org:
            raise AvpError("Name the organisation with --org")
        hook = client.create_webhook(org, args.endpoint_url, _split(args.events), args.description, not args.disabled)
    out.say(f"Registered webhook {hook['id']}; its signing secret is shown only now")
    out.result(hook, f"{_webhook_line(hook)}\nsecret {hook['secret']}")
    return 0


def cmd_webhooks_show(args, out: Output) -> int:
    with _client(args) as client:
        hook = client.get_webhook(args.id)
    out.result(hook, _webhook_line(hook))
    return 0


def cmd_webhooks_update(args, out: Output) -> int:
    fields = {}
    if args.new_url:
        fields["url"] = args.new_url
    if args.events:
        fields["events"] = _split(args.events)
    if args.description is not None:
        fields["description"] = args.description
    if args.enable or args.disable:
        fields["enabled"] = bool(args.enable)
    if not fields:
        raise AvpError("Nothing to change: give --set-url, --events, --description, --enable or --disable")
    with _client(args) as client:
        hook = client.update_webhook(args.id, **fields)
    out.result(hook, _webhook_line(hook))
    return 0


def cmd_webhooks_delete(args, out: Output) -> int:
    with _client(args) as client:
        client.delete_webhook(args.id)
    out.say(f"Deleted webhook {args.id}")
    out.result({"deleted": args.id})
    return 0


def cmd_webhooks_rotate(args, out: Output) -> int:
    with _client(args) as client:
        hook = client.rotate_webhook_secret(args.id)
    out.say(f"New secret; the previous one also signs until {hook.get('previous_secret_expires_at')}")
    out.result(hook, f"secret {hook['secret']}")
    return 0


def cmd_webhooks_deliveries(args, out: Output) -> int:
    with _client(args) as client:
        items = client.webhook_deliveries(args.id, args.limit)

    def human(data):
        table = Table("delivery", "event", "status", "attempts", "last answer", "created")
        for d in data:
            last = (d.get("attempts") or [{}])[-1]
            answer = str(last.get("status_code") or last.get("error") or "")
            table.add_row(
                d["id"], d["event_type"], d["status"], str(len(d.get("attempts") or [])), answer, d["created_at"][:19]
            )
        out.out.print(table)

    out.result(items, human)
    return 0


def cmd_webhooks_test(args, out: Output) -> int:
    with _client(args) as client:
        delivery = client.test_webhook(args.id)
    out.say(f"Queued a webhook.test message as delivery {delivery['id']}; see `avp webhooks deliveries {args.id}`")
    out.result(delivery, delivery["id"])
    return 0


def cmd_webhooks_replay(args, out: Output) -> int:
    with _client(args) as client:
        delivery = client.replay_delivery(args.id, args.delivery)
    out.say(f"Replaying {args.delivery} as delivery {delivery['id']}")
    out.result(delivery, delivery["id"])
    return 0


def cmd_exit_codes(args, out: Output) -> int:
    out.result({str(k): v for k, v in EXIT_CODES.items()}, "\n".join(f"{k:3d}  {v}" for k, v in EXIT_CODES.items()))
    return 0


# -- parser -------------------------------------------------------------------------------------
def parser() -> argparse.ArgumentParser:
    default_url = "AVP_URL, else the URL of the last `avp login`, else http://localhost:8003"
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--url", default=argparse.SUPPRESS, help=f"platform URL (default: {default_url})")
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print results as JSON")
    common.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help="no progress output")

    ap = argparse.ArgumentParser(
        prog="avp",
        description=__doc__.split("\n\n")[0],
        parents=[common],
        epilog="Exit codes: " + "; ".join(f"{k} {v}" for k, v in EXIT_CODES.items()),
    )
    # Not set_defaults: the shared --url/--json/--quiet actions would take those defaults in every
    # subcommand too and overwrite a value given before the subcommand (main() fills them in).
    ap.set_defaults(timeout_http=120.0)
    sub = ap.add_subparsers(dest="command", required=True)

    def add(parent, name, func, help_text):
        p = parent.add_parser(name, help=help_text, parents=[common])
        p.set_defaults(func=func)
        return p

    p = add(sub, "login", cmd_login, "sign in with email and password (tokens cached for this URL)")
    p.add_argument("--email")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add(sub, "logout", cmd_logout, "sign out and forget the cached tokens")
    add(sub, "whoami", cmd_whoami, "the signed-in user")
    add(sub, "exit-codes", cmd_exit_codes, "what each exit status means")

    jobs = sub.add_parser("jobs", help="create, follow and act on jobs").add_subparsers(dest="jobs", required=True)
    p = add(jobs, "list", cmd_jobs_list, "list the jobs you may see")
    p.add_argument("--status")
    p.add_argument("--org")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--all", action="store_true", help="every page")
    p = add(jobs, "show", cmd_jobs_show, "one job")
    p.add_argument("id")
    p = add(jobs, "create", cmd_jobs_create, "upload a video and create its job")
    p.add_argument("video")
    p.add_argument("--languages", default="", help="comma-separated output languages besides the source")
    p.add_argument("--source-language", default="en")
    p.add_argument("--title")
    p.add_argument("--org", help="organisation (ADMIN)")
    p.add_argument("--glossary")
    p.add_argument("--profile", choices=("default", "bbc", "dcmp"))
    p.add_argument("--extended-ad", action="store_true")
    p.add_argument("--burn-in", action="store_true")
    p.add_argument("--signed-upload", action="store_true", help="upload through a signed URL whatever the size")
    p.add_argument("--watch", action="store_true", help="then follow it like `avp jobs watch`")
    p.add_argument("--watch-timeout", type=float)
    p = add(jobs, "watch", cmd_jobs_watch, "follow a job until it needs a person or ends")
    p.add_argument("id")
    p.add_argument("--until", help="comma-separated statuses to wait for (default: any QC stage or COMPLETED)")
    p.add_argument("--timeout", dest="watch_timeout", type=float, help="seconds (exit code 10 when reached)")
    p = add(jobs, "download", cmd_jobs_download, "download the deliverables into OUT/<job id>/")
    p.add_argument("id")
    p.add_argument("--out", default=".")
    p.add_argument("--lang", help="only these languages (comma-separated)")
    for action, help_text in (("approve", "approve the QC stage"), ("retry", "retry the failed step (ADMIN)")):
        p = add(jobs, action, cmd_jobs_action, help_text)
        p.add_argument("id")
        p.set_defaults(action=action)
    p = add(jobs, "reject", cmd_jobs_action, "reject at the QC stage")
    p.add_argument("id")
    p.add_argument("--reason", required=True)
    p.set_defaults(action="reject")
    p = add(jobs, "feedback", cmd_jobs_action, "send QC feedback")
    p.add_argument("id")
    p.add_argument("-m", "--message", required=True)
    p.set_defaults(action="feedback")
    p = add(jobs, "delete", cmd_jobs_delete, "delete a job and its files (ADMIN)")
    p.add_argument("id")

    vtt = sub.add_parser("vtt", help="read and edit captions and descriptions").add_subparsers(
        dest="vtt", required=True
    )
    for name, func, help_text in (
        ("show", cmd_vtt_show, "print a VTT"),
        ("edit", cmd_vtt_edit, "edit a VTT in $EDITOR; saved with If-Match, a conflict shows a diff"),
    ):
        p = add(vtt, name, func, help_text)
        p.add_argument("id")
        p.add_argument("lang")
        p.add_argument("--kind", choices=("captions", "descriptions"), default="captions")
        if name == "edit":
            p.add_argument("-m", "--message", help="why (kept with the version)")

    hooks = sub.add_parser("webhooks", help="webhook endpoints of an organisation (PM, ADMIN)").add_subparsers(
        dest="webhooks", required=True
    )
    p = add(hooks, "list", cmd_webhooks_list, "the organisation's webhooks")
    p.add_argument("--org", help="organisation id (default: yours)")
    p = add(hooks, "create", cmd_webhooks_create, "register an endpoint (prints its signing secret once)")
    p.add_argument("endpoint_url", metavar="URL", help="https:// URL that receives the deliveries")
    p.add_argument(
        "--events",
        required=True,
        help="comma-separated: job.status_changed, job.qc_needed, job.completed, job.failed, job.rejected",
    )
    p.add_argument("--org", help="organisation id (default: yours)")
    p.add_argument("--description")
    p.add_argument("--disabled", action="store_true")
    p = add(hooks, "show", cmd_webhooks_show, "one webhook")
    p.add_argument("id")
    p = add(hooks, "update", cmd_webhooks_update, "change URL, events, description or enabled")
    p.add_argument("id")
    p.add_argument("--set-url", dest="new_url", help="the new endpoint URL")
    p.add_argument("--events")
    p.add_argument("--description")
    p.add_argument("--enable", action="store_true")
    p.add_argument("--disable", action="store_true")
    p = add(hooks, "delete", cmd_webhooks_delete, "delete a webhook")
    p.add_argument("id")
    p = add(hooks, "rotate-secret", cmd_webhooks_rotate, "new signing secret (the old one signs for 24 h more)")
    p.add_argument("id")
    p = add(hooks, "test", cmd_webhooks_test, "send a signed webhook.test message")
    p.add_argument("id")
    p = add(hooks, "deliveries", cmd_webhooks_deliveries, "the delivery log, newest first")
    p.add_argument("id")
    p.add_argument("--limit", type=int, default=20)
    p = add(hooks, "replay", cmd_webhooks_replay, "send a logged delivery again")
    p.add_argument("id")
    p.add_argument("delivery")

    qc = sub.add_parser("qc", help="per-language QC").add_subparsers(dest="qc", required=True)
    p = add(qc, "show", cmd_qc_show, "per-language QC state of a job")
    p.add_argument("id")
    p = add(qc, "assign", cmd_qc_assign, "assign a linguist to languages")
    p.add_argument("id")
    p.add_argument("lang", help="language(s), comma-separated")
    p.add_argument("--linguist", required=True, help="user id or email of a LINGUIST")
    p = add(qc, "approve", cmd_qc_action, "approve a language")
    p.set_defaults(action="approve")
    p.add_argument("id")
    p.add_argument("lang")
    p = add(qc, "reject", cmd_qc_action, "reject a language")
    p.set_defaults(action="reject")
    p.add_argument("id")
    p.add_argument("lang")
    p.add_argument("--reason", required=True)
    p = add(qc, "feedback", cmd_qc_action, "feedback on a language")
    p.set_defaults(action="feedback")
    p.add_argument("id")
    p.add_argument("lang")
    p.add_argument("-m", "--message", required=True)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    args.url = (
        getattr(args, "url", None)
        or os.environ.get("AVP_URL")
        or CredentialStore().default_url()
        or f"http://localhost:{os.environ.get('AVP_PORT', '8003')}"
    )
    args.json = getattr(args, "json", False)
    args.quiet = getattr(args, "quiet", False)
    out = Output(args.json, args.quiet)
    try:
        return args.func(args, out)
    except AvpError as exc:
        if args.json:
            body = {"error": exc.message, "exit_code": exc.exit_code}
            if isinstance(exc, ApiError):
                body |= {"status": exc.status, "detail": exc.detail}
            print(json.dumps(body), file=sys.stderr)
        else:
            out.err.print(f"avp: {exc.message}", markup=False)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
