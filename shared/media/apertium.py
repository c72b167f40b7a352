"""Apertium machine translation (local and emulators backends), offline.

All texts of a call go through one apertium process, one per line; if the line count does
not survive (a text with a line break inside, an odd deformatter case), each text is sent on
its own instead.
"""

from __future__ import annotations

import subprocess

from shared.media.languages import apertium_mode
from shared.media.types import GlossaryTerm


class ApertiumError(RuntimeError):
    pass


class ApertiumTranslator:
    glossary_aware = False  # glossaries are enforced around it (shared.media.glossary)

    def __init__(self, binary: str = "apertium", timeout: float = 300.0):
        self.binary = binary
        self.timeout = timeout

    def _run(self, mode: str, text: str) -> str:
        proc = subprocess.run(
            [self.binary, "-u", "-f", "txt", mode], input=text, capture_output=True, text=True, timeout=self.timeout
        )
        if proc.returncode != 0:
            raise ApertiumError(f"apertium {mode} failed: {proc.stderr[-500:]}")
        return proc.stdout

    def translate(
        self, texts: list[str], source: str, target: str, glossary: list[GlossaryTerm] | None = None
    ) -> list[str]:
        """Glossaries are enforced around this call (shared.media.glossary)."""
        if not texts:
            return []
        mode = apertium_mode(source, target)
        if mode is None:
            raise ApertiumError(f"no Apertium mode for {source}->{target}")
        flat = [" ".join(t.split()) for t in texts]
        out = self._run(mode, "\n".join(flat) + "\n").split("\n")
        if out and out[-1] == "":
            out = out[:-1]
        if len(out) != len(flat):
            out = [self._run(mode, t + "\n").strip() for t in flat]
        return [" ".join(line.split()) for line in out]
