"""On-screen text: read sampled frames, then keep only what is legible and stable.

Reading (decision 0320): RapidOCR (`rapidocr-onnxruntime`, whose wheel ships its PP-OCR
detection and recognition models) finds text boxes first and reads each box, so text over a
busy, moving picture reads cleanly; tesseract (kept as `TesseractReader`, engine "tesseract")
reads the whole frame and turns a busy background into garbage. Both give a confidence per
box/word.

Keeping (issue 12 item 1): a line is quoted only when
- every word was read with confidence >= MIN_CONFIDENCE,
- it looks like language or a plausible code (see `plausible`), and
- it reads the same (after normalising spaces and case) on consecutive samples;
and it is quoted once per appearance (`stable_texts`). Anything else is left unsaid: garbage
read aloud to a blind viewer is worse than silence.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path

MIN_CONFIDENCE = 0.9  # per box (RapidOCR) or per word (tesseract, 0-100 scaled to 0-1)
MIN_LETTERS = 3  # a line needs this many letters (a lone changing number is not text to quote)
SAME = 0.9  # difflib ratio for "reads the same" across samples (one character in ten)
REPEAT_AFTER = 30.0  # the same text is quoted again only after this long off screen
SAME_PICTURE = 1.5  # mean absolute grey difference (0-255) under which a frame is not read again

_LATIN = "A-Za-zÀ-ÖØ-öø-ÿĀ-ſ"
_WORD = re.compile(rf"^[\"'(¿¡]*[{_LATIN}]+(?:['’-][{_LATIN}]+)*[.,:;!?\"')]*$")
_CODE = re.compile(r"^[\"'(#]*[$€£]?[0-9][0-9.,:/%x-]*[%$€£]?[.,:;!?\"')]*$|^[A-Z0-9]+(?:[-/.][A-Z0-9]+)+$")
_VOWELS = set("aeiouyáéíóúàèìòùäëïöüâêîôûãõåæœøAEIOUYÁÉÍÓÚÀÈÌÒÙÄËÏÖÜÂÊÎÔÛÃÕÅÆŒØ")


@dataclass
class Box:
    """One piece of text read in a frame: its text, confidence (0-1) and position."""

    text: str
    confidence: float
    x: float
    y: float
    h: float


def _token_ok(tok: str) -> bool:
    if _CODE.match(tok):
        return True
    if not _WORD.match(tok):
        return False
    letters = [c for c in tok if c.isalpha()]
    if len(letters) == 1:
        return tok.strip(".,:;!?\"'()").lower() in {"a", "i", "y", "o", "e", "à", "é"} or tok.isupper()
    if any(c in _VOWELS for c in letters):
        # no long runs of consonants, no case salad like "fEe"
        word = "".join(letters)
        if re.search(r"[^aeiouyáéíóúàèìòùäëïöüâêîôûãõ]{5,}", word.lower()):
            return False
        return word.isupper() or word.islower() or (word[0].isupper() and word[1:].islower())
    return tok.isupper() and len(letters) <= 4  # an acronym: TV, NYC, BBC


def plausible(line: str) -> bool:
    """Words or plausible codes (prices, percentages, times, model numbers), in Latin script."""
    tokens = line.split()
    if not tokens or sum(c.isalpha() for c in line) < MIN_LETTERS:
        return False
    return all(_token_ok(t) for t in tokens)


def normalise(line: str) -> str:
    line = " ".join(line.split())
    return re.sub(r"(?<=[0-9])%(?=[A-Za-z])", "% ", line)  # "50%OFF" -> "50% OFF"


def lines_of(boxes: list[Box]) -> list[tuple[str, float]]:
    """Boxes grouped into lines (top to bottom, left to right): (text, lowest confidence)."""
    rows: list[list[Box]] = []
    for b in sorted(boxes, key=lambda b: (b.y, b.x)):
        row = next((r for r in rows if abs(r[0].y - b.y) <= 0.5 * max(r[0].h, b.h)), None)
        if row is None:
            rows.append([b])
        else:
            row.append(b)
    out = []
    for row in rows:
        row.sort(key=lambda b: b.x)
        out.append((normalise(" ".join(b.text for b in row)), min(b.confidence for b in row)))
    return out


def legible(boxes: list[Box], min_confidence: float = MIN_CONFIDENCE) -> list[str]:
    """The lines of one frame worth considering: confident and plausible."""
    return [t for t, conf in lines_of(boxes) if conf >= min_confidence and plausible(t)]


def _same(a: str, b: str) -> bool:
    a, b = a.casefold(), b.casefold()
    return a == b or difflib.SequenceMatcher(None, a, b).ratio() >= SAME


def stable_texts(samples: list[tuple[float, list[str]]], repeat_after: float = REPEAT_AFTER) -> list[tuple[float, str]]:
    """(time first seen, text) for each line that reads the same on two consecutive samples,
    once per appearance. Lines seen together at the same time come back as one text, in
    reading order."""
    out: list[tuple[float, str]] = []
    last_said: dict[str, float] = {}  # casefolded text -> time it was last on screen
    on_screen: set[str] = set()
    for k in range(len(samples) - 1):
        t, lines = samples[k]
        nxt = samples[k + 1][1]
        stable = [line for line in lines if any(_same(line, other) for other in nxt)]
        fresh = []
        for line in stable:
            key = line.casefold()
            known = next((s for s in last_said if _same(s, key)), None)
            if known is not None and (known in on_screen or t - last_said[known] < repeat_after):
                last_said[known] = t
                continue
            fresh.append(line)
            last_said[key] = t
        on_screen = {s for s in last_said if any(_same(s, line.casefold()) for line in lines)}
        if fresh:
            out.append((t, " ".join(_dedupe(fresh))))
    return out


def _dedupe(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if not any(_same(line, o) for o in out):
            out.append(line)
    return out


# ---------------------------------------------------------------- readers


class RapidOcrReader:
    """RapidOCR with the models its wheel ships (no download at run time)."""

    name = "rapidocr"

    def __init__(self):
        self._engine = None

    @property
    def engine(self):
        if self._engine is None:
            # heavy (onnxruntime + OpenCV): imported on first use only
            from rapidocr_onnxruntime import RapidOCR

            self._engine = RapidOCR()
        return self._engine

    def read(self, images: list[Path]) -> list[list[Box]]:
        """The boxes of each image. A frame that looks the same as the one read before it (a
        static shot: mean absolute difference of 64x36 grey thumbnails under SAME_PICTURE)
        gets the same boxes without being read again."""
        import cv2  # comes with rapidocr-onnxruntime

        pages: list[list[Box]] = []
        previous = None
        for path in images:
            img = cv2.imread(str(path))
            if img is None:
                pages.append([])
                previous = None
                continue
            thumb = cv2.resize(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY), (64, 36), interpolation=cv2.INTER_AREA)
            if previous is not None and pages and float(cv2.absdiff(thumb, previous).mean()) < SAME_PICTURE:
                pages.append(list(pages[-1]))
                continue
            previous = thumb
            result, _ = self.engine(img, use_cls=False)
            boxes = []
            for quad, text, conf in result or []:
                ys = [p[1] for p in quad]
                xs = [p[0] for p in quad]
                text = str(text)
                if " " not in text and len(text) >= 5:
                    text = respace(text, _line_spacing(img, xs, ys, path.parent / "line.png"))
                boxes.append(Box(text, float(conf), min(xs), (min(ys) + max(ys)) / 2, max(ys) - min(ys)))
            pages.append(boxes)
        return pages


def _line_spacing(img, xs, ys, scratch: Path) -> str:
    """tesseract's reading of one text box (cropped, enlarged, a single line): used only for
    where the spaces go, which RapidOCR's recogniser drops ("QUALITYCHECK")."""
    import cv2

    x0, x1 = int(max(0, min(xs) - 4)), int(max(xs) + 4)
    y0, y1 = int(max(0, min(ys) - 4)), int(max(ys) + 4)
    crop = cv2.cvtColor(img[y0:y1, x0:x1], cv2.COLOR_BGR2GRAY)
    if crop.size == 0:
        return ""
    cv2.imwrite(str(scratch), cv2.resize(crop, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC))
    proc = subprocess.run(["tesseract", str(scratch), "stdout", "--psm", "7"], capture_output=True, text=True)
    return proc.stdout.strip() if proc.returncode == 0 else ""


def respace(text: str, other: str) -> str:
    """`text` with spaces where `other` (another reading of the same line) has them, when both
    have the same number of characters besides spaces; else `text` unchanged."""
    other = " ".join(other.split())
    if not other or len(other.replace(" ", "")) != len(text):
        return text
    out, k = [], 0
    for ch in other:
        if ch == " ":
            out.append(" ")
        else:
            out.append(text[k])
            k += 1
    return "".join(out)


class TesseractReader:
    """tesseract's TSV output: one confidence per word. File names go in a list file, and no
    text from the video ever reaches tesseract's command line."""

    name = "tesseract"

    def __init__(self, lang: str = "eng"):
        self.lang = lang

    def read(self, images: list[Path]) -> list[list[Box]]:
        pages = []
        for path in images:
            proc = subprocess.run(
                ["tesseract", str(path), "stdout", "--psm", "11", "-l", self.lang, "tsv"],
                capture_output=True,
                text=True,
            )
            if proc.returncode != 0:
                raise RuntimeError(f"tesseract failed: {proc.stderr[-300:]}")
            pages.append(parse_tsv(proc.stdout))
        return pages


def parse_tsv(tsv: str) -> list[Box]:
    boxes = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or not cols[11].strip():
            continue
        try:
            conf = float(cols[10])
            left, top, height = float(cols[6]), float(cols[7]), float(cols[9])
        except ValueError:
            continue
        if conf >= 0:
            boxes.append(Box(cols[11].strip(), conf / 100.0, left, top + height / 2, height))
    return boxes


def read_distinct(reader, images: list[Path]) -> list[list[Box]]:
    """`reader.read(images)`, each distinct picture read once (decision 1202): a sample whose
    file is byte-identical to an earlier one (a still scene, a title card or a slide held for
    several samples) gets a copy of that one's boxes instead of another OCR pass."""
    first: dict[str, int] = {}
    unique: list[Path] = []
    index: list[int] = []
    for path in images:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest not in first:
            first[digest] = len(unique)
            unique.append(path)
        index.append(first[digest])
    pages = reader.read(unique) if unique else []
    return [[replace(box) for box in pages[i]] for i in index]


def reader(engine: str = "rapidocr"):
    return TesseractReader() if engine == "tesseract" else RapidOcrReader()
