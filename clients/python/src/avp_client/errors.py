"""Errors of the client and the exit codes the `avp` command maps them to.

The exit codes are part of the command's interface (scripts rely on them); see the README of
this package and docs/decisions/1100-python-client-and-cli.md."""

from __future__ import annotations

OK = 0
ERROR = 1  # anything not covered below
USAGE = 2  # bad command line (argparse uses 2 as well)
AUTH = 3  # not signed in, session expired, wrong password (HTTP 401)
FORBIDDEN = 4  # signed in, but the role may not do this (HTTP 403)
NOT_FOUND = 5  # no such job / language / file (HTTP 404)
CONFLICT = 6  # the resource changed or is in the wrong state (HTTP 409, 412, 428)
INVALID = 7  # the server refused the input (HTTP 400, 413, 415, 422)
JOB_FAILED = 8  # `jobs watch` / `--wait`: the job ended failed, invalid or rejected
UNAVAILABLE = 9  # the platform could not be reached or answered 5xx / 429
TIMEOUT = 10  # `jobs watch --timeout` passed before the job reached what was waited for

EXIT_CODES = {
    OK: "success",
    ERROR: "unexpected error",
    USAGE: "bad command line",
    AUTH: "not signed in or the session expired (HTTP 401): run `avp login`",
    FORBIDDEN: "your role may not do this (HTTP 403)",
    NOT_FOUND: "not found (HTTP 404)",
    CONFLICT: "changed meanwhile or wrong state (HTTP 409/412/428)",
    INVALID: "input refused (HTTP 400/413/415/422)",
    JOB_FAILED: "the job failed, was rejected or its upload was invalid",
    UNAVAILABLE: "platform unreachable or overloaded (network error, HTTP 5xx/429)",
    TIMEOUT: "timed out waiting",
}


class AvpError(Exception):
    """Base of the client's errors; `exit_code` is what the command exits with."""

    exit_code = ERROR

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ApiError(AvpError):
    """The API answered with an error status; `detail` is its readable explanation."""

    def __init__(self, status: int, detail: str, method: str = "", path: str = "", headers=None):
        super().__init__(f"{method} {path} -> {status}: {detail}".strip())
        self.status = status
        self.detail = detail
        self.headers = dict(headers or {})
        self.exit_code = exit_code_for_status(status)


class NotSignedIn(AvpError):
    exit_code = AUTH


class EditConflict(AvpError):
    """A save lost to a concurrent change (If-Match did not match)."""

    exit_code = CONFLICT


class Unavailable(AvpError):
    exit_code = UNAVAILABLE


class JobFailed(AvpError):
    exit_code = JOB_FAILED

    def __init__(self, message: str, job: dict):
        super().__init__(message)
        self.job = job


class WaitTimeout(AvpError):
    exit_code = TIMEOUT


def exit_code_for_status(status: int) -> int:
    if status == 401:
        return AUTH
    if status == 403:
        return FORBIDDEN
    if status == 404:
        return NOT_FOUND
    if status in (409, 412, 428):
        return CONFLICT
    if status in (400, 405, 413, 415, 422):
        return INVALID
    if status == 429 or status >= 500:
        return UNAVAILABLE
    return ERROR
