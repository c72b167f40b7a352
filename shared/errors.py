"""Domain exceptions. One handler (shared.http) maps them to `{"detail": ...}` responses."""

from __future__ import annotations


class DomainError(Exception):
    status = 400

    def __init__(self, detail: str, *, headers: dict | None = None):
        super().__init__(detail)
        self.detail = detail
        self.headers = headers or {}


class Invalid(DomainError):
    status = 400


class Unauthenticated(DomainError):
    status = 401


class Forbidden(DomainError):
    status = 403


class NotFound(DomainError):
    status = 404


class MethodNotAllowed(DomainError):
    status = 405


class Conflict(DomainError):
    status = 409


class PreconditionFailed(DomainError):
    status = 412


class TooLarge(DomainError):
    status = 413


class UnsupportedMedia(DomainError):
    status = 415


class Unprocessable(DomainError):
    status = 422


class RateLimited(DomainError):
    status = 429

    def __init__(self, detail: str, retry_after: int):
        super().__init__(detail, headers={"Retry-After": str(max(1, int(retry_after)))})
        self.retry_after = retry_after


class Unavailable(DomainError):
    """503: the instance is saturated for now; the client retries after `retry_after` seconds."""

    status = 503

    def __init__(self, detail: str, retry_after: int):
        super().__init__(detail, headers={"Retry-After": str(max(1, int(retry_after)))})
        self.retry_after = retry_after


class VersionConflict(Exception):
    """A compare-and-set write lost the race; the data layer raises it, services decide."""


class AlreadyExists(Exception):
    """create-if-absent found an existing document."""


class TransientError(Exception):
    """A failure worth retrying (the task queue retries with backoff)."""


class PermanentStepError(Exception):
    """A step failure that retrying will not fix; recorded on the job as its error."""
