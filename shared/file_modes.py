"""Private files of the local platform: its data folder is 0700 and its SQLite files 0600,
so other accounts on the machine cannot read users, password hashes, tokens or uploads."""

from __future__ import annotations

import os
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """Create `path` (and parents) if needed; the folder itself is made owner-only, also when it
    already existed with wider permissions (an older data folder)."""
    path = Path(path)
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o777 != DIR_MODE:
        os.chmod(path, DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """Create `path` empty with mode 0600 if it does not exist, and tighten it if it does.
    SQLite gives its -wal and -shm files the database file's mode."""
    path = Path(path)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, FILE_MODE)
    try:
        if os.fstat(fd).st_mode & 0o777 != FILE_MODE:
            os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)
    return path
