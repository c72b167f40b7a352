"""Wires the adapters of the configured backend (local | emulators | gcp) into one Platform.
Adapters are created lazily on first use and reused across warm invocations; their modules
are light (each imports its cloud client library only when it first connects)."""

from __future__ import annotations

import threading
from functools import cached_property

from shared.config import Settings, settings
from shared.events.bus import EventBus
from shared.events.pubsub_events import PubSubEvents
from shared.events.sqlite_events import SqliteEvents
from shared.local.upload_notifications import deliver_to_upload_trigger
from shared.mail import NoMail
from shared.mail.outbox_mail import OutboxMail
from shared.mail.smtp_mail import SmtpMail
from shared.persistence.documents import Documents
from shared.persistence.firestore_documents import FirestoreDocuments
from shared.persistence.sqlite_documents import SqliteDocuments
from shared.queues.cloud_tasks import CloudTasksQueue
from shared.queues.sqlite_tasks import SqliteTasks
from shared.storage.files import FileStore
from shared.storage.gcs_files import GcsFiles
from shared.storage.local_files import LocalFiles


class Platform:
    def __init__(self, cfg: Settings):
        self.settings = cfg
        self.local = cfg.backend == "local"

    @cached_property
    def documents(self) -> Documents:
        if self.local:
            return SqliteDocuments(self.settings.db_path)
        return FirestoreDocuments.from_settings(self.settings)

    @cached_property
    def files(self) -> FileStore:
        if self.local:
            store = LocalFiles.from_settings(self.settings)
            # a finalized upload reaches functions/upload_trigger as GCS + Pub/Sub would deliver it
            store.listeners.append(deliver_to_upload_trigger)
            return store
        return GcsFiles.from_settings(self.settings)

    @cached_property
    def tasks(self):
        if self.local:
            return SqliteTasks.from_settings(self.settings)
        return CloudTasksQueue.from_settings(self.settings)

    @cached_property
    def events(self) -> EventBus:
        if self.local:
            return SqliteEvents.from_settings(self.settings)
        return PubSubEvents.from_settings(self.settings)

    @cached_property
    def mail(self):
        s = self.settings
        if s.smtp_host:
            return SmtpMail(
                s.smtp_host,
                s.smtp_port,
                s.mail_from,
                user=s.smtp_user,
                password=s.smtp_password,
                security=s.smtp_security,
            )
        if s.backend == "gcp":
            return NoMail()
        return OutboxMail(s.outbox_dir, s.mail_from)


_platform: Platform | None = None
_lock = threading.Lock()


def platform() -> Platform:
    """The process-wide platform for the current settings."""
    global _platform
    cfg = settings()
    p = _platform
    if p is None or p.settings is not cfg:
        with _lock:
            if _platform is None or _platform.settings is not cfg:
                _platform = Platform(cfg)
            p = _platform
    return p


def reset() -> None:
    global _platform
    with _lock:
        _platform = None
