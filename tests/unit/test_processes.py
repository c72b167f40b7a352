"""shared/processes.pid_alive: this process is alive, a finished child is not."""

import os
import subprocess
import sys

from shared.processes import pid_alive


def test_a_running_process_is_alive_and_a_finished_one_is_not():
    assert pid_alive(os.getpid())
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert not pid_alive(child.pid)
