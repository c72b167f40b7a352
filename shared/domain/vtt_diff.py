"""Diff two VTT versions: per cue (added, removed, text changed, timing changed) plus a unified
text diff. Pure functions over parsed cues."""

from __future__ import annotations

import difflib
from typing import Any

from shared.domain.vtt_document import Cue, VttError, normalize, parse, parse_ms


def _tolerant_cues(content: str) -> list[Cue]:
    """Cues of a stored version. Versions were valid when saved, but the media duration is not
    rechecked here and a pipeline-written file may predate the checks, so parse leniently."""
    try:
        return parse(content, duration_ms=None)
    except VttError:
        import webvtt

        try:
            captions = webvtt.from_string(normalize(content)).captions
        except Exception:  # noqa: BLE001 - a version that cannot be read diffs as text only
            return []
        return [
            Cue(i, c.identifier, parse_ms(c.start), parse_ms(c.end), "\n".join(c.lines), str(c.settings), 0)
            for i, c in enumerate(captions)
        ]


def _entry(kind: str, old: Cue | None, new: Cue | None) -> dict[str, Any]:
    text_changed = old is not None and new is not None and old.text != new.text
    timing_changed = old is not None and new is not None and (old.start_ms, old.end_ms) != (new.start_ms, new.end_ms)
    return {
        "type": kind,
        "text_changed": text_changed,
        "timing_changed": timing_changed,
        "from": old.as_dict() if old else None,
        "to": new.as_dict() if new else None,
    }


def diff_cues(old: list[Cue], new: list[Cue]) -> list[dict[str, Any]]:
    """Align the cues by text (difflib), then: equal text with other timings is a timing change;
    a replaced run pairs cues in order as text changes; the rest are added or removed."""
    out: list[dict[str, Any]] = []
    matcher = difflib.SequenceMatcher(a=[c.text for c in old], b=[c.text for c in new], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for a, b in zip(old[i1:i2], new[j1:j2]):
                if (a.start_ms, a.end_ms) != (b.start_ms, b.end_ms):
                    out.append(_entry("changed", a, b))
        elif tag == "replace":
            pairs = min(i2 - i1, j2 - j1)
            for k in range(pairs):
                out.append(_entry("changed", old[i1 + k], new[j1 + k]))
            out.extend(_entry("removed", a, None) for a in old[i1 + pairs : i2])
            out.extend(_entry("added", None, b) for b in new[j1 + pairs : j2])
        elif tag == "delete":
            out.extend(_entry("removed", a, None) for a in old[i1:i2])
        else:
            out.extend(_entry("added", None, b) for b in new[j1:j2])
    return out


def diff(old_content: str, new_content: str, *, old_label: str = "from", new_label: str = "to") -> dict[str, Any]:
    old, new = _tolerant_cues(old_content), _tolerant_cues(new_content)
    cues = diff_cues(old, new)
    summary = {
        "added": sum(1 for c in cues if c["type"] == "added"),
        "removed": sum(1 for c in cues if c["type"] == "removed"),
        "text_changed": sum(1 for c in cues if c["text_changed"]),
        "timing_changed": sum(1 for c in cues if c["timing_changed"]),
    }
    summary["unchanged"] = len(new) - summary["added"] - sum(1 for c in cues if c["type"] == "changed")
    unified = "".join(
        difflib.unified_diff(
            normalize(old_content).splitlines(keepends=True),
            normalize(new_content).splitlines(keepends=True),
            fromfile=old_label,
            tofile=new_label,
        )
    )
    return {"summary": summary, "cues": cues, "unified_diff": unified}
