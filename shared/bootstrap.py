"""Wires the adapters of the configured backend (local | emulators | gcp) into one Platform.
Adapters are created lazily on first use and reused across warm invocations."""

from __future__ import annotations

import threading
from functools import cached_property

from shared.config import Settings, settings


class Platform:
    def __init__(self, cfg: Settings):
        self.settings = cfg
        self.local = cfg.backend == "local"

    @cached_property
    def documents(self):
        if self.local:
            from shared.persistence.sqlite_documents import SqliteDocuments

            return SqliteDocuments(self.settings.db_path)
        from shared.persistence.firestore_documents import FirestoreDocuments

        return FirestoreDocuments.from_settings(self.settings)

    @cached_property
    def files(self):
        if self.local:
            from shared.storage.local_files import LocalFiles

            return LocalFiles.from_settings(self.settings)
        from shared.storage.gcs_files import GcsFiles

        return GcsFiles.from_settings(self.settings)

    @cached_property
    def tasks(self):
        if self.local:
            from shared.queues.sqlite_tasks import SqliteTasks

            return SqliteTasks.from_settings(self.settings)
        from shared.queues.cloud_tasks import CloudTasksQueue

        return CloudTasksQueue.from_settings(self.settings)

    @cached_property
    def events(self):
        if self.local:
            from shared.events.sqlite_events import SqliteEvents

            return SqliteEvents.from_settings(self.settings)
        from shared.events.pubsub_events import PubSubEvents

        return PubSubEvents.from_settings(self.settings)

    @cached_property
    def engines(self):
        from shared.media.engines import engines_for

        return engines_for(self.settings)


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
