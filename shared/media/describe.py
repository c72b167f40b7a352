"""Audio description: what is seen (locally: ffmpeg scene score + tesseract OCR), the dialogue
gaps, and the placement of plain-sentence descriptions inside those gaps.

The local describer decodes the video once: one branch scores scene changes, the other
samples frames every `ocr_interval` seconds, preprocessed for OCR (grayscale, scaled up,
thresholded with bright text turned black on white, which tesseract reads best). All frames
go to a single tesseract process (one page per frame).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from shared.media import ffmpeg as ff
from shared.media.narration import MAX_RATE
from shared.media.types import Description, Gap, Transcript, VisualEvent, Word

MIN_GAP_SECONDS = 2.0  # pauses under about 2 s are too short for a description
GAP_PAD = 0.15  # keep narration this far from dialogue on each side
SCENE_THRESHOLD = 0.3
OCR_INTERVAL = 2.0
MERGE_WINDOW = 1.5  # events this close together are described in one sentence
SEARCH_AHEAD = 8.0  # a description may come this late after what it describes
DARK, BRIGHT = 24.0, 232.0  # mean luma of a scene's first frame: "goes black" / "turns white"

# Seconds of speech per character at rate 1.0, per language (espeak-ng's default 175 wpm);
# the TTS step measures the real duration, this is only for placement.
SPEECH_CPS = {"en": 14.5, "es": 15.5, "ca": 15.0, "gl": 15.0, "eo": 14.0}

PHRASES = {
    # Worded so Apertium translates them well; on-screen text stays quoted and verbatim.
    "en": {
        "scene": "A new scene begins.",
        "text": 'The text "{text}" appears on the screen.',
        "black": "The screen goes black.",
        "white": "The screen turns white.",
    },
    "es": {
        "scene": "Empieza una escena nueva.",
        "text": 'Aparece en pantalla el texto "{text}".',
        "black": "La pantalla se funde a negro.",
        "white": "La pantalla se vuelve blanca.",
    },
    "ca": {
        "scene": "Comença una escena nova.",
        "text": 'Apareix a la pantalla el text "{text}".',
        "black": "La pantalla es fon a negre.",
        "white": "La pantalla es torna blanca.",
    },
    "gl": {
        "scene": "Comeza unha escena nova.",
        "text": 'Aparece na pantalla o texto "{text}".',
        "black": "A pantalla fúndese a negro.",
        "white": "A pantalla vólvese branca.",
    },
    "eo": {
        "scene": "Nova sceno komenciĝas.",
        "text": 'La teksto "{text}" aperas sur la ekrano.',
        "black": "La ekrano nigriĝas.",
        "white": "La ekrano blankiĝas.",
    },
}


def phrases(lang: str) -> dict:
    return PHRASES.get(lang.split("-")[0].lower(), PHRASES["en"])


def estimate_speech(text: str, lang: str) -> float:
    return 0.3 + len(text) / SPEECH_CPS.get(lang.split("-")[0].lower(), 14.5)


# ---------------------------------------------------------------- gaps


def dialogue_gaps(words: list[Word], duration: float, min_gap: float = MIN_GAP_SECONDS) -> list[Gap]:
    """Stretches without dialogue of at least min_gap seconds (after padding)."""
    bounds = [(0.0, 0.0)] + [(w.start, w.end) for w in sorted(words, key=lambda w: w.start)] + [(duration, duration)]
    gaps = []
    for (_, prev_end), (next_start, _) in zip(bounds, bounds[1:]):
        start = prev_end + (GAP_PAD if prev_end > 0 else 0.0)
        end = next_start - (GAP_PAD if next_start < duration else 0.0)
        if end - start >= min_gap:
            gaps.append(Gap(round(start, 3), round(end, 3)))
    return gaps


# ---------------------------------------------------------------- placement


def _merge(events: list[VisualEvent], lang: str) -> list[VisualEvent]:
    """Events within MERGE_WINDOW become one description sentence."""
    out: list[VisualEvent] = []
    for e in sorted(events, key=lambda e: e.time):
        text = e.text.strip()
        if not text:
            continue
        if out and e.time - out[-1].time <= MERGE_WINDOW:
            if text not in out[-1].text:
                out[-1] = VisualEvent(out[-1].time, "description", f"{out[-1].text} {text}")
        else:
            out.append(VisualEvent(e.time, e.kind, text))
    return out


def _hold_point(t: float, words: list[Word]) -> float:
    """Where to hold the picture for an extended description: the first phrase boundary
    (a pause of 0.3 s or more between words) at or after t."""
    ws = sorted(words, key=lambda w: w.start)
    for a, b in zip(ws, ws[1:]):
        if a.end >= t and b.start - a.end >= 0.3:
            return a.end
        if a.end < t <= b.start:
            return t
    return t if not ws or t >= ws[-1].end else ws[-1].end


def place(
    events: list[VisualEvent], gaps: list[Gap], duration: float, lang: str, words: list[Word] | None = None
) -> list[Description]:
    """One description per merged event, in the first gap (containing the event or starting
    up to SEARCH_AHEAD s after it) with room left, counting the faster speaking rate the TTS
    step may use (narration.MAX_RATE); otherwise marked extended at a phrase boundary after
    the event."""
    words = words or []
    cursor = {i: g.start for i, g in enumerate(gaps)}
    out: list[Description] = []
    for e in _merge(events, lang):
        need = estimate_speech(e.text, lang)
        placed = False
        for i, g in enumerate(gaps):
            if g.end <= e.time or g.start > e.time + SEARCH_AHEAD:
                continue
            start = max(cursor[i], e.time if g.start <= e.time else g.start) + 0.1
            if start + need <= g.end:
                end = round(start + need, 3)
            elif start + need / MAX_RATE <= g.end:
                end = round(g.end, 3)  # fits when the TTS step speaks faster, within its limit
            else:
                continue
            out.append(Description(round(start, 3), end, e.text))
            cursor[i] = end
            placed = True
            break
        if not placed:
            hold = round(min(_hold_point(e.time, words), duration), 3)
            out.append(
                Description(hold, round(min(hold + need, duration), 3), e.text, extended=True, needed=round(need, 3))
            )
    out.sort(key=lambda d: d.start)
    return out


# ---------------------------------------------------------------- local engine

_PTS = re.compile(r"pts_time:([0-9.]+)")


def clean_ocr(text: str) -> str:
    """Keep tokens that look like words; drop OCR noise."""
    tokens = [t for t in re.split(r"\s+", text) if sum(ch.isalnum() for ch in t) >= 2]
    line = " ".join(tokens).strip(" -|_")
    return line if sum(ch.isalpha() for ch in line) >= 3 else ""


class LocalDescriber:
    def __init__(
        self, scene_threshold: float = SCENE_THRESHOLD, ocr_interval: float = OCR_INTERVAL, ocr_lang: str = "eng"
    ):
        self.scene_threshold = scene_threshold
        self.ocr_interval = ocr_interval
        self.ocr_lang = ocr_lang

    @classmethod
    def from_settings(cls, cfg) -> LocalDescriber:
        return cls(
            scene_threshold=float(cfg.extra.get("scene_threshold", SCENE_THRESHOLD)),
            ocr_interval=float(cfg.extra.get("ocr_interval", OCR_INTERVAL)),
        )

    def analyse(self, video: Path, workdir: Path) -> tuple[list[tuple[float, float]], list[tuple[float, str]]]:
        """(time, mean brightness 0-255) of each scene change, and (time, text) read on
        sampled frames."""
        frames = workdir / "ocr"
        frames.mkdir(parents=True, exist_ok=True)
        for old in frames.glob("f-*.png"):
            old.unlink()
        graph = (
            f"[0:v]split=2[a][b];"
            f"[a]scale=160:-2,select='gt(scene,{self.scene_threshold})',showinfo,scale=8:8,format=gray[s];"
            f"[b]fps=1/{self.ocr_interval},format=gray,scale=iw*2:-2,lut=c0='if(gt(val,150),0,255)'[o]"
        )
        proc = subprocess.run(
            [
                ff.FFMPEG,
                "-hide_banner",
                "-nostdin",
                "-y",
                "-i",
                str(video),
                "-filter_complex",
                graph,
                "-vsync",
                "0",
                "-map",
                "[s]",
                "-f",
                "rawvideo",
                str(frames / "scenes.gray"),
                "-map",
                "[o]",
                str(frames / "f-%05d.png"),
            ],
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            raise ff.ToolError(f"scene/frame extraction failed: {proc.stderr[-800:]}")
        times = [float(t) for t in _PTS.findall(proc.stderr)]
        thumbs = (frames / "scenes.gray").read_bytes() if (frames / "scenes.gray").exists() else b""
        scenes = [
            (t, sum(thumbs[i * 64 : (i + 1) * 64]) / 64.0 if len(thumbs) >= (i + 1) * 64 else 128.0)
            for i, t in enumerate(times)
        ]
        images = sorted(frames.glob("f-*.png"))
        texts: list[tuple[float, str]] = []
        if images:
            listing = frames / "list.txt"
            listing.write_text("".join(f"{p}\n" for p in images))
            out = subprocess.run(
                ["tesseract", str(listing), "stdout", "--psm", "11", "-l", self.ocr_lang],
                capture_output=True,
                text=True,
            )
            if out.returncode != 0:
                raise ff.ToolError(f"tesseract failed: {out.stderr[-500:]}")
            pages = out.stdout.split("\f")
            for k, page in enumerate(pages[: len(images)]):
                texts.append((round(k * self.ocr_interval, 3), clean_ocr(page)))
        return scenes, texts

    def describe(self, video: Path, transcript: Transcript, workdir: Path, language: str) -> list[VisualEvent]:
        scene_info, texts = self.analyse(video, workdir)
        words = phrases(language)
        events = []
        for t, brightness in scene_info:
            key = "black" if brightness < DARK else "white" if brightness > BRIGHT else "scene"
            events.append(VisualEvent(round(t, 3), "scene", words[key]))
        scenes = [t for t, _ in scene_info]
        previous = ""
        for t, text in texts:
            if text and text != previous:
                # The text was first seen at this sample; it may have appeared up to one
                # interval earlier (a scene change close before is the better anchor).
                near = [s for s in scenes if t - self.ocr_interval <= s <= t]
                events.append(VisualEvent(near[0] if near else t, "text", words["text"].format(text=text)))
            previous = text
        return sorted(events, key=lambda e: e.time)
