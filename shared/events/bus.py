"""The event port. Events are JSON dicts with a `type` (`job_status_update`, `notification`),
`job_id`, `org_id`, `status`, `updated_at` and, for notifications, `message` / `kind`.
Locally they go to an SQLite event log every process can tail; in GCP to a Pub/Sub topic."""

from __future__ import annotations

from typing import Any, Protocol


class EventBus(Protocol):
    def publish(self, event: dict[str, Any]) -> object:
        """Publish one event (the adapters return their own receipt: a sequence number, a message id)."""
