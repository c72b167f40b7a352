"""OutboxMail: each message becomes one .eml file in a private folder (0700, files 0600),
written atomically, named so they sort by time. The local platform's "mail server": open the
file to copy the link, or point a mail client at the folder."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

from shared.file_modes import FILE_MODE, private_dir
from shared.mail import MailError, Message
from shared.mail.compose import to_email


class OutboxMail:
    def __init__(self, folder: Path, sender: str):
        self.folder = Path(folder)
        self.sender = sender

    def send(self, message: Message) -> Path:
        try:
            return self._write(message)
        except OSError as exc:
            raise MailError(f"cannot write to the outbox {self.folder}: {exc.strerror}") from exc

    def _write(self, message: Message) -> Path:
        private_dir(self.folder)
        name = f"{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}-{uuid.uuid4().hex[:12]}.eml"
        final = self.folder / name
        tmp = self.folder / f".{name}.tmp"
        data = bytes(to_email(message, self.sender))
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, final)
        return final
