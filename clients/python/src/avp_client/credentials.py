"""The token cache: one JSON file readable by its owner only, one entry per platform URL.

It holds the short-lived access token and the rotating refresh token (the platform sets it as
the `avp_refresh` cookie; a command line has no cookie jar that outlives it, so the client keeps
it here and presents it as that cookie), and the URL of the last sign-in. Location: `$AVP_CONFIG_DIR/credentials.json`, else
`$XDG_CONFIG_HOME/avp/credentials.json`, else `~/.config/avp/credentials.json`."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

DEFAULT_KEY = "default_url"


def config_dir() -> Path:
    if os.environ.get("AVP_CONFIG_DIR"):
        return Path(os.environ["AVP_CONFIG_DIR"])
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "avp"


class CredentialStore:
    """Reads and writes the cache file; every write replaces it atomically with mode 0600."""

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path else config_dir() / "credentials.json"

    def _load(self) -> dict:
        try:
            data = json.loads(self.path.read_text())
        except (FileNotFoundError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def get(self, base_url: str) -> dict | None:
        entry = self._load().get(base_url.rstrip("/"))
        return entry if isinstance(entry, dict) else None

    def put(self, base_url: str, entry: dict) -> None:
        data = self._load()
        data[base_url.rstrip("/")] = entry
        self._write(data)

    def default_url(self) -> str | None:
        """The platform of the last `avp login` (used when neither --url nor AVP_URL is given)."""
        value = self._load().get(DEFAULT_KEY)
        return value if isinstance(value, str) else None

    def set_default_url(self, base_url: str) -> None:
        data = self._load()
        data[DEFAULT_KEY] = base_url.rstrip("/")
        self._write(data)

    def delete(self, base_url: str) -> None:
        data = self._load()
        if data.pop(base_url.rstrip("/"), None) is not None:
            self._write(data)

    def _write(self, data: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".credentials-")
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w") as fh:
                json.dump(data, fh, indent=2)
            os.replace(tmp, self.path)
        except BaseException:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            raise
