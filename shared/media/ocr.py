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

from shared.media import quote_language

MIN_CONFIDENCE = 0.9  # per box (RapidOCR) or per word (tesseract, 0-100 scaled to 0-1)
# A line with a number (a price) read with confidence between LOW_CONFIDENCE and MIN_CONFIDENCE
# is quoted only when read exactly the same on LOW_SAMPLES consecutive samples (decision 0348)
LOW_CONFIDENCE = 0.85
LOW_SAMPLES = 2
BRAND_CONFIDENCE = 0.95  # ... for a word no dictionary knows (describe.brand, decision 0345)
MIN_LETTERS = 3  # a line needs this many letters (a lone changing number is not text to quote)
SAME = 0.9  # difflib ratio for "reads the same" across samples (one character in ten)
MISREAD_EDITS = 2  # a stable reading this many characters off a text on screen is a misread of it
MISREAD_MIN = 8  # ... when both lines have at least this many characters
REPEAT_AFTER = 30.0  # the same text is quoted again only after this long off screen
SAME_PICTURE = 1.5  # mean absolute grey difference (0-255) under which a frame is not read again
# ... and no more than CHANGED_PIXELS pixels of the THUMB-sized grey copy changed by over CHANGE:
# a title appearing over a still shot changes little of the picture on average, but a lot where
# it is (decision 0342: "MORNING MIST" over a still, dark shot was never read)
THUMB = (160, 90)
CHANGE = 24
CHANGED_PIXELS = 4
COARSE_SIDE = 480  # stage 1: the detector sees the frame with its longer side at this size
FINE_SIDE = 960  # stage 2: ... and the bands around persistent text at this scale
SPLIT_FROM = 8  # letters: a reading this long without a space may be words run together
MARGIN = 8  # px around a box, at least, in the band the fine detector sees
# onnxruntime threads per OCR model: one. On the 2 shared cores, two spin-waiting threads took
# twice the CPU time and more wall time than one (decision 0340)
OCR_THREADS = 1
FLAT_EDGES = 40  # a frame with fewer edge pixels than this (Canny) has no text to find
SAME_BOX = 0.5  # IoU: two word boxes found by overlapping bands are one
PERSIST_IOU = 0.3  # a box this much overlapped by one on a neighbouring sample persists
SAME_SIZE = 0.75  # ... as does one whose width and height are within this ratio of another's
EDGE = 1.5  # px: a box this close to the left or right edge is cut off by the frame (decision 0342)
ROW_GAP = 3.0  # text heights: boxes on one row further apart than this are separate texts
MAX_WORD = 20  # letters: a "word" longer than this is words run together that nothing could split

_LATIN = "A-Za-zÀ-ÖØ-öø-ÿĀ-ſ"
_WORD = re.compile(rf"^[\"'(¿¡]*[{_LATIN}]+(?:['’-][{_LATIN}]+)*[.,:;!?\"')]*$")
_CODE = re.compile(r"^[\"'(#]*[$€£]?[0-9][0-9.,:/%x-]*[%$€£]?[.,:;!?\"')]*$|^[A-Z0-9]+(?:[-/.][A-Z0-9]+)+$")
_BULLET = re.compile(r"^[·•▪●◦*]\s*")  # a list's bullet at the start of a line (a slide)
_GLUED_CASE = re.compile(r"(?<![^\s])([a-z]{2,})([A-Z][a-z]+)(?![^\s])")
_VOWELS = set("aeiouyáéíóúàèìòùäëïöüâêîôûãõåæœøAEIOUYÁÉÍÓÚÀÈÌÒÙÄËÏÖÜÂÊÎÔÛÃÕÅÆŒØ")


@dataclass
class Box:
    """One piece of text read in a frame: its text, confidence (0-1) and position."""

    text: str
    confidence: float
    x: float
    y: float
    h: float
    w: float = 0.0  # width, when the reader gives it (0: unknown)


def _token_ok(tok: str) -> bool:
    if _CODE.match(tok):
        return True
    if not _WORD.match(tok):
        return False
    letters = [c for c in tok if c.isalpha()]
    if len(letters) == 1:
        return tok.strip(".,:;!?\"'()").lower() in {"a", "i", "y", "o", "e", "à", "é"} or tok.isupper()
    if len(letters) > MAX_WORD:
        return False
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
    line = _BULLET.sub("", " ".join(t for t in line.split() if t not in (".", "·")))  # a speck read as a dot
    line = _GLUED_CASE.sub(r"\1 \2", line)  # "Open theLisbon office": a space lost before a capital
    line = re.sub(r"(?<=%)0(?=[A-Z]{2})", "O", line)  # "50%0FF" -> "50%OFF"
    line = re.sub(r"(?<=[0-9])%(?=[A-Za-z])", "% ", line)  # "50%OFF" -> "50% OFF"
    return " ".join(_capital_o(t) for t in line.split())


def _capital_o(token: str) -> str:
    """A zero read inside a word in capitals is the letter O ("0FF", "B00K"): the recogniser
    confuses the two, and a capital word with a zero in it is not a code."""
    core = token.strip(".,:;!?\"'()")
    if "0" in core and re.fullmatch(r"[A-Z0]+", core) and sum(c.isalpha() for c in core) >= 2:
        return token.replace(core, core.replace("0", "O"))
    return token


def lines_of(boxes: list[Box]) -> list[tuple[str, float]]:
    """Boxes grouped into lines (top to bottom, left to right): (text, lowest confidence)."""
    return [(text, conf) for text, conf, _ in placed_lines(boxes)]


@dataclass
class Place:
    """Where a line is in the frame (pixels): its left and right ends and its middle height."""

    left: float
    right: float
    y: float


def placed_lines(boxes: list[Box]) -> list[tuple[str, float, Place]]:
    """`lines_of` with where each line is."""
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
        for part in _apart(row):
            where = Place(part[0].x, max(b.x + b.w for b in part), sum(b.y for b in part) / len(part))
            out.append((normalise(" ".join(b.text for b in part)), min(b.confidence for b in part), where))
    return _by_columns(out)


def _by_columns(lines: list[tuple[str, float, Place]]) -> list[tuple[str, float, Place]]:
    """Lines in reading order when the picture has columns (a screen recording's sidebar beside
    its main pane, a split screen): lines whose horizontal extents overlap, directly or through
    others, are one column; columns left to right, each top to bottom (decision 0349). Lines of
    unknown width keep the rows' order."""
    if len(lines) < 2 or any(p.right <= p.left for _, _, p in lines):
        return lines
    column = list(range(len(lines)))

    def root(i: int) -> int:
        while column[i] != i:
            i = column[i]
        return i

    for i, (_, _, a) in enumerate(lines):
        for j in range(i):
            b = lines[j][2]
            if a.left < b.right and b.left < a.right:
                column[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(lines)):
        groups.setdefault(root(i), []).append(i)
    ordered = sorted(groups.values(), key=lambda g: min(lines[i][2].left for i in g))
    return [lines[i] for g in ordered for i in sorted(g, key=lambda i: lines[i][2].y)]


def place_of(line: str, pages: list[list[Box]]) -> Place | None:
    """Where `line` is read on the first of `pages` that has it (reading the same)."""
    for boxes in pages:
        for text, _, where in placed_lines(boxes):
            if _same(text, line):
                return where
    return None


def _apart(row: list[Box]) -> list[list[Box]]:
    """A row of boxes cut where two are further apart than ROW_GAP times the text's height: a
    logo in a corner and a clock at the other side are two texts, not one line (decision
    0346). Boxes without a width are kept together."""
    parts = [[row[0]]]
    for a, b in zip(row, row[1:]):
        if a.w > 0 and b.x - (a.x + a.w) > ROW_GAP * max(a.h, b.h):
            parts.append([b])
        else:
            parts[-1].append(b)
    return parts


def legible(boxes: list[Box], min_confidence: float = MIN_CONFIDENCE) -> list[str]:
    """The lines of one frame worth considering: confident and plausible."""
    return [t for t, conf in lines_of(boxes) if conf >= min_confidence and plausible(t)]


def _same(a: str, b: str) -> bool:
    a, b = a.casefold(), b.casefold()
    if a == b or a.replace(" ", "") == b.replace(" ", ""):
        return True  # spaces alone do not count: the recogniser drops them on some samples
    if [c for c in a if c.isdigit()] != [c for c in b if c.isdigit()]:
        return False  # "NOW ONLY 79 EUR" is not "NOW ONLY 99 EUR": a price changed (decision 0348)
    return difflib.SequenceMatcher(None, a, b).ratio() >= SAME


def _edits(a: str, b: str) -> int:
    """Levenshtein distance (short lines only)."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def variant(a: str, b: str) -> bool:
    """Whether b reads as a (the same, or a misreading of it: `_variant`)."""
    return _variant(a, b)


def _variant(a: str, b: str) -> bool:
    """Whether b is a reading of a text already said: the same, or at most MISREAD_EDITS
    characters off a line of at least MISREAD_MIN characters ("GRAND OPENII" for "GRAND
    OPENING" over a busy picture). Used only to keep such a reading from being quoted while the
    text it garbles is on screen or was just said."""
    if _same(a, b):
        return True
    a, b = a.casefold(), b.casefold()
    if [c for c in a if c.isdigit()] != [c for c in b if c.isdigit()]:
        return False  # another number is another text
    return min(len(a), len(b)) >= MISREAD_MIN and _edits(a, b) <= MISREAD_EDITS


def stable_texts(samples: list[tuple[float, list[str]]], repeat_after: float = REPEAT_AFTER) -> list[tuple[float, str]]:
    """(time first seen, text) for each line that reads the same on two consecutive samples,
    once per appearance. Lines seen together at the same time come back as one text, in
    reading order."""
    return [(t, " ".join(lines)) for t, lines in stable_lines(samples, repeat_after)]


def stable_lines(
    samples: list[tuple[float, list[str]]], repeat_after: float = REPEAT_AFTER
) -> list[tuple[float, list[str]]]:
    """`stable_texts` with the lines of each text apart (a name and the role under it). Each
    line is its most frequent reading while it stays on screen ("CITYTV" read as "CITYT" on
    the first sample only, decision 0345)."""
    out: list[tuple[float, list[str]]] = []
    last_said: dict[str, float] = {}  # casefolded text -> time it was last on screen
    on_screen: set[str] = set()
    for k in range(len(samples) - 1):
        t, lines = samples[k]
        nxt = samples[k + 1][1]
        stable = [line for line in lines if any(_same(line, other) for other in nxt)]
        fresh = []
        for line in stable:
            key = line.casefold()
            known = next((s for s in last_said if _variant(s, key)), None)
            if known is not None and (known in on_screen or t - last_said[known] < repeat_after):
                last_said[known] = t
                continue
            fresh.append(_usual_reading(line, samples, k))
            last_said[key] = t
        on_screen = {s for s in last_said if any(_variant(s, line.casefold()) for line in lines)}
        if fresh:
            out.append((t, _dedupe(fresh)))
    return out


def _usual_reading(line: str, samples: list[tuple[float, list[str]]], k: int) -> str:
    """Of the readings of `line` on the samples from k on while it reads the same, the one with
    the most words a dictionary knows, then the one seen most often, then the first: a line the
    detector cut in two overlapping boxes reads "... in the ecityhere" on two samples and
    "... in the city here." on one (decision 0349)."""
    counts: dict[str, int] = {}
    for _, lines in samples[k:]:
        match = next((o for o in lines if _same(o, line)), None)
        if match is None:
            break
        counts[match] = counts.get(match, 0) + 1
    if len(counts) < 2:
        return line
    return max(counts, key=lambda r: (quote_language.known_words(r), counts[r]))


def runs(text: str, samples: list[tuple[float, list[str]]], t: float) -> int:
    """The most consecutive samples on which `text` is read exactly (ignoring case) while it is
    on screen from time t (read the same or nearly so, `_same`)."""
    at = next((k for k, (ts, _) in enumerate(samples) if ts >= t - 1e-6), len(samples))
    best = n = 0
    for _, lines in samples[at:]:
        if any(o.casefold() == text.casefold() for o in lines):
            n += 1
            best = max(best, n)
        elif any(_same(o, text) for o in lines):
            n = 0
        else:
            break
    return best


def _dedupe(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if not any(_same(line, o) for o in out):
            out.append(line)
    return out


# ---------------------------------------------------------------- readers


class RapidOcrReader:
    """RapidOCR with the models its wheel ships (no download at run time), run in two stages so
    a busy moving picture costs little (issue 15, decision 0340):

    1. where text may be: the text detector alone on a small copy of every sampled frame
       (longer side COARSE_SIDE; RapidOCR's default scales the shorter side UP to 736 px, eight
       times the pixels); a frame with (almost) no edges has no text and is not run through it;
       a frame that looks the same as the one before it gets that one's reading;
    2. only for boxes that persist (a box in about the same place, or of about the same size,
       on the sample before or after: text on one sample only can never be quoted, as
       stable_texts needs two consecutive samples): the detector again at FINE_SIDE on the
       bands around them only (word boxes), and the recogniser on those boxes. (A picture
       read on its own, with no samples around it, is read whole.)
    Where RapidOCR drops the spaces of a line, tesseract's reading of that box puts them back
    (one tesseract run per call); where tesseract cannot, the words a language's dictionary
    knows do (`quote_language.split_words`)."""

    name = "rapidocr"

    def __init__(self, threads: int = OCR_THREADS):
        self._engine = None
        self.threads = threads  # onnxruntime intra-op threads; 0: onnxruntime's default (one per core)

    @property
    def engine(self):
        if self._engine is None:
            # heavy (onnxruntime + OpenCV): imported on first use only
            from rapidocr_onnxruntime import RapidOCR

            # "max": the detector works at the size we give it (COARSE_SIDE, FINE_SIDE) instead
            # of scaling the shorter side up to 736 px
            options: dict = {"det_limit_type": "max"}
            if self.threads > 0:
                options["intra_op_num_threads"] = self.threads
            self._engine = RapidOCR(**options)
        return self._engine

    def read(self, images: list[Path], held: set[int] | None = None) -> list[list[Box]]:
        """The boxes of each image. `held`: the indexes of images shown on several consecutive
        samples (read_distinct passes each once), whose text persists whatever their
        neighbours show."""
        import cv2  # comes with rapidocr-onnxruntime

        held = held or set()
        # stage 1: where is there text? (quads in frame coordinates; None: same as the frame before)
        found: list[list | None] = []
        previous = None
        for path in images:
            img = cv2.imread(str(path))
            if img is None:
                found.append([])
                previous = None
                continue
            grey = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
            thumb = cv2.resize(grey, THUMB, interpolation=cv2.INTER_AREA)
            if previous is not None and found and same_picture(cv2.absdiff(thumb, previous)):
                found.append(None)
                continue
            previous = thumb
            found.append(self._detect(img, grey))
        # stage 2: read the boxes that persist
        crops: dict[str, Path] = {}  # a reading without spaces -> its box, for tesseract
        pages: list[list[Box]] = []
        for k, path in enumerate(images):
            quads = found[k]
            if quads is None:
                pages.append(list(pages[-1]))
                continue
            if len(images) > 1 and k not in held:  # a picture read on its own: all of it is read
                keep = persistent(quads, [_quads_at(found, k - 1), _quads_at(found, k + 1)])
                quads = [q for q, ok in zip(quads, keep) if ok]
            if not quads:
                pages.append([])
                continue
            img = cv2.imread(str(path))
            words = self._words(img, quads)
            pages.append(self._recognise(img, words, path.parent, crops) if words else [])
        spaced = dict(zip(crops, _spacings(list(crops.values()), path.parent))) if crops else {}
        seen = spaced_readings(pages)
        split: dict[str, str] = {}
        for page in pages:
            for box in page:
                box.text = respace(box.text, spaced.get(box.text, ""))
                if " " not in box.text:
                    box.text = respace(box.text, seen.get(box.text, ""))
                # tesseract could not tell the spaces (a busy background behind the line): the
                # words one language knows ("FREEDELIVERYTODAY" -> "FREE DELIVERY TODAY"), also
                # inside a line that kept some of its spaces ("Head ofResearch")
                if " " not in box.text and len(box.text) >= SPLIT_FROM:
                    if box.text not in split:
                        split[box.text] = split_glued(box.text)
                    box.text = split[box.text]
                elif " " in box.text:
                    tokens = box.text.split(" ")
                    for i, tok in enumerate(tokens):
                        if sum(c.isalpha() for c in tok) >= GLUED_RUN:
                            if tok not in split:
                                split[tok] = split_sentence_token(tok)
                            tokens[i] = split[tok]
                    box.text = " ".join(tokens)
        return pages

    def _detect(self, img, grey) -> list:
        """Stage 1: where text may be, from the detector on a small copy of the frame."""
        import cv2

        if int(cv2.countNonZero(cv2.Canny(grey, 50, 150))) < FLAT_EDGES:
            return []  # a plain picture (a solid colour, a fade): nothing to find
        return self._det(img, COARSE_SIDE / max(img.shape[:2]))

    def _det(self, img, scale: float) -> list:
        """The detector's boxes on `img` scaled by `scale`, in `img`'s coordinates."""
        import cv2

        h, w = img.shape[:2]
        small = img if abs(scale - 1) < 0.01 else cv2.resize(img, (max(1, round(w * scale)), max(1, round(h * scale))))
        boxes, _ = self.engine.text_det(small)
        if boxes is None or len(boxes) == 0:
            return []
        return [(q / scale).astype("float32") for q in boxes]

    def _words(self, img, quads: list) -> list:
        """Stage 2: the detector again at FINE_SIDE, only on the bands around the persistent
        boxes (at the coarse size it joins words into one box, and RapidOCR's recogniser then
        drops the spaces and misreads more)."""
        h, w = img.shape[:2]
        scale = FINE_SIDE / max(h, w)
        out: list = []
        for x0, y0, x1, y1 in regions(quads, w, h):
            found = self._det(img[y0:y1, x0:x1], scale)
            if any(runs_on(q, x0, x1, w) for q in found):
                # a line runs on past the band (the coarse detector saw only part of it, small
                # text on a screen recording): the band across the whole frame, so no line is
                # read cut short ("... has been publi", decision 0374)
                x0, x1 = 0, w
                found = self._det(img[y0:y1], scale)
            for q in found:
                q[:, 0] += x0
                q[:, 1] += y0
                if not any(_iou(q, o) >= SAME_BOX for o in out):  # a widened band overlaps others
                    out.append(q)
        return out

    def _recognise(self, img, quads: list, folder: Path, crops: dict[str, Path]) -> list[Box]:
        engine = self.engine
        results, _ = engine.text_rec(engine.get_crop_img_list(img, quads))
        boxes = []
        width = img.shape[1]
        for quad, (text, conf) in zip(quads, results):
            if float(conf) < engine.text_score:
                continue  # what RapidOCR itself leaves out
            xs = [float(p[0]) for p in quad]
            ys = [float(p[1]) for p in quad]
            text = str(text)
            if cut_off(xs, width):
                conf = 0.0  # part of a line that runs off the picture: its line is not quoted
            if " " not in text and len(text) >= 5 and text not in crops:
                crops[text] = _crop_line(img, xs, ys, folder / f"line-{len(crops):04d}.png")
            boxes.append(Box(text, float(conf), min(xs), (min(ys) + max(ys)) / 2, max(ys) - min(ys), max(xs) - min(xs)))
        return boxes


def cut_off(xs: list[float], width: int) -> bool:
    """Whether a text box touches the left or right edge of the picture: the line runs on past
    it (a subtitle wider than a portrait frame), so what is read is only part of it."""
    return min(xs) < EDGE or max(xs) > width - EDGE


def runs_on(quad, x0: int, x1: int, width: int) -> bool:
    """Whether a box found in the band from x0 to x1 (band coordinates) touches a side of the
    band that is not the frame's edge: the line may go on past it."""
    left, _, right, _ = _extent(quad)
    return (x0 > 0 and left < EDGE) or (x1 < width and right > x1 - x0 - EDGE)


def same_picture(diff) -> bool:
    """Whether two frames look the same, from the absolute difference of their THUMB-sized grey
    copies (a numpy array): little change on average and nowhere a patch that changed."""
    return float(diff.mean()) < SAME_PICTURE and int((diff > CHANGE).sum()) <= CHANGED_PIXELS


def _quads_at(found: list, k: int) -> list:
    """The boxes found on sample k (a repeated frame has those of the frame it repeats)."""
    while 0 <= k < len(found) and found[k] is None:
        k -= 1
    return found[k] if 0 <= k < len(found) and found[k] is not None else []


def _extent(quad) -> tuple[float, float, float, float]:
    xs = [float(p[0]) for p in quad]
    ys = [float(p[1]) for p in quad]
    return min(xs), min(ys), max(xs), max(ys)


def _iou(a, b) -> float:
    ax0, ay0, ax1, ay1 = _extent(a)
    bx0, by0, bx1, by1 = _extent(b)
    w, h = min(ax1, bx1) - max(ax0, bx0), min(ay1, by1) - max(ay0, by0)
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    return inter / ((ax1 - ax0) * (ay1 - ay0) + (bx1 - bx0) * (by1 - by0) - inter)


def _same_size(a, b) -> bool:
    ax0, ay0, ax1, ay1 = _extent(a)
    bx0, by0, bx1, by1 = _extent(b)
    wa, ha, wb, hb = ax1 - ax0, ay1 - ay0, bx1 - bx0, by1 - by0
    return min(wa, wb) >= SAME_SIZE * max(wa, wb) and min(ha, hb) >= SAME_SIZE * max(ha, hb)


def regions(quads: list, width: int, height: int) -> list[tuple[int, int, int, int]]:
    """(x0, y0, x1, y1) bands around the boxes, each box grown by its height (at least
    MARGIN px) on every side and overlapping bands merged; clipped to the frame."""
    rects = []
    for q in quads:
        x0, y0, x1, y1 = _extent(q)
        m = max(MARGIN, y1 - y0)
        rects.append(
            [max(0, int(x0 - m)), max(0, int(y0 - m)), min(width, int(x1 + m) + 1), min(height, int(y1 + m) + 1)]
        )
    merged = True
    while merged:
        merged = False
        for i in range(len(rects)):
            for j in range(i + 1, len(rects)):
                a, b = rects[i], rects[j]
                if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                    rects[i] = [min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])]
                    del rects[j]
                    merged = True
                    break
            if merged:
                break
    return sorted((int(a), int(b), int(c), int(d)) for a, b, c, d in rects if c > a and d > b)


def persistent(quads: list, neighbours: list[list]) -> list[bool]:
    """For each text box (4 corner points), whether a box on a neighbouring sample is in about
    the same place (IoU >= PERSIST_IOU) or has about the same size (moving text, a crawl)."""
    others = [q for n in neighbours for q in n]
    return [any(_iou(q, o) >= PERSIST_IOU or _same_size(q, o) for o in others) for q in quads]


def _crop_line(img, xs, ys, out: Path) -> Path:
    """One text box cropped, grey and enlarged, for tesseract's reading of its spaces."""
    import cv2

    x0, x1 = int(max(0, min(xs) - 4)), int(max(xs) + 4)
    y0, y1 = int(max(0, min(ys) - 4)), int(max(ys) + 4)
    crop = cv2.cvtColor(img[y0:y1, x0:x1], cv2.COLOR_BGR2GRAY)
    if crop.size:
        crop = cv2.resize(crop, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    cv2.imwrite(str(out), crop if crop.size else img[:8, :8])
    return out


def _spacings(lines: list[Path], folder: Path) -> list[str]:
    """tesseract's reading of each cropped line (one process for all of them, a single line
    each): used only for where the spaces go, which RapidOCR's recogniser drops
    ("QUALITYCHECK"). Empty strings when tesseract fails or its pages do not line up."""
    listing = folder / "lines.txt"
    listing.write_text("".join(f"{p}\n" for p in lines))
    proc = subprocess.run(["tesseract", str(listing), "stdout", "--psm", "7"], capture_output=True, text=True)
    pages = proc.stdout.split("\f") if proc.returncode == 0 else []
    if len(pages) == len(lines) + 1 and not pages[-1].strip():
        pages = pages[:-1]
    if len(pages) != len(lines):
        return [""] * len(lines)
    return [p.strip() for p in pages]


_PIECES = re.compile(r"[^\W\d_]+|[0-9]+(?:[.,:][0-9]+)*%?|\S")
GLUED_RUN = 6  # letters: a run of letters between numbers this long may be words run together


def split_glued(text: str) -> str:
    """A reading whose spaces were lost, with them put back where they can be told: between
    letters and numbers ("NOWONLY99EUR" -> "NOW ONLY 99 EUR"), and inside runs of letters
    where one language's dictionary knows the words (`quote_language.split_words`). Unchanged
    when nothing can be told."""
    pieces = _PIECES.findall(text)
    if len(pieces) == 1:
        return quote_language.split_words(text) or text
    out = [(quote_language.split_words(p) or p) if p.isalpha() and len(p) >= GLUED_RUN else p for p in pieces]
    return " ".join(out)


def spaced_readings(pages: list[list[Box]]) -> dict[str, str]:
    """For each reading without spaces, the reading with spaces of the same characters found
    most often on the other samples ("DRMARIALOPEZ" on some samples, "DR MARIA LOPEZ" on
    others, over a moving picture: the recogniser drops a space only now and then; decision
    0344)."""
    counts: dict[str, dict[str, int]] = {}
    for page in pages:
        for box in page:
            if " " in box.text.strip():
                key = box.text.replace(" ", "")
                counts.setdefault(key, {})
                counts[key][box.text] = counts[key].get(box.text, 0) + 1
    return {key: max(c, key=lambda t: (c[t], t.count(" "))) for key, c in counts.items()}


_SENTENCE_PIECES = re.compile(r"([^\W\d_]+|[.,!?;:]+|\S)")


def split_sentence_token(token: str) -> str:
    """A token of a spaced line that is words run together: letters only ("ofResearch",
    "THELONG") split by the dictionaries; letters with sentence punctuation inside
    ("Goodmorning.Todaywevisitthe", a subtitle line whose spaces were lost) cut after each
    mark and each run of letters split (decision 0349). Unchanged when nothing can be told."""
    if token.isalpha():
        return quote_language.split_words(token) or token
    pieces = _SENTENCE_PIECES.findall(token)
    if (
        not any(p[0] in ".,!?;:" for p in pieces[:-1])
        or not all(p.isalpha() or p[0] in ".,!?;:" for p in pieces)
        or not any(p.isalpha() and len(p) >= GLUED_RUN for p in pieces)
    ):
        return token
    out = ""
    for p in pieces:
        if p.isalpha():
            out += (" " if out else "") + ((quote_language.split_words(p) if len(p) >= GLUED_RUN else None) or p)
        else:
            out += p
    return out


def respace(text: str, other: str) -> str:
    """`text` with spaces where `other` (another reading of the same line) has them, when both
    have the same number of characters besides spaces and differ in at most one character in
    ten, position by position (a letter read twice and another missed shifts the spaces in
    between: "They sell the best fish in the e cityh ere.", decision 0349); else `text`
    unchanged."""
    other = " ".join(other.split())
    letters = other.replace(" ", "")
    if not other or len(letters) != len(text):
        return text
    if sum(a != b for a, b in zip(letters.casefold(), text.casefold())) > max(1, len(text) // 10):
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

    def read(self, images: list[Path], held: set[int] | None = None) -> list[list[Box]]:
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
            left, top, width, height = float(cols[6]), float(cols[7]), float(cols[8]), float(cols[9])
        except ValueError:
            continue
        if conf >= 0:
            boxes.append(Box(cols[11].strip(), conf / 100.0, left, top + height / 2, height, width))
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
    # a picture held on consecutive samples (a still title card) is its own neighbour: its text
    # persists, though its one copy among the distinct pictures has no neighbour showing it
    held = {a for a, b in zip(index, index[1:]) if a == b}
    pages = reader.read(unique, held=held) if unique else []
    return [[replace(box) for box in pages[i]] for i in index]


def reader(engine: str = "rapidocr", threads: int = OCR_THREADS):
    return TesseractReader() if engine == "tesseract" else RapidOcrReader(threads)
