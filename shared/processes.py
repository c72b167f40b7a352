"""Whether a process of this machine is still running (the local backend's file sweeps and the
local server's connection board ask; tests of the emulators too)."""

from __future__ import annotations

import os


def pid_alive(pid: int) -> bool:
    """True while `pid` exists (also when it belongs to another user: signal 0 is then refused)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
