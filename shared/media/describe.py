"""Audio description, local engine: what can be told reliably from the picture, worded in each
language's own phrases. Placement in the dialogue gaps is shared.media.placement.

The local describer decodes the video once (one ffmpeg process, three branches):
- scene changes: the `scene` score of a small copy of the picture (cuts);
- fades: the colour of 8x8 thumbnails sampled FADE_FPS times a second, and the spread of
  single pixels picked across the picture (POINTS x POINTS, not averaged): a run of at least
  FADE_MIN seconds that is uniformly black or white in both is a fade (or cut) to black or
  white (a dark picture with bright specks averages to black, but its pixels are not);
- frames for OCR every `ocr_interval` seconds, read by shared.media.ocr (RapidOCR by default),
  which quotes only legible text that stays the same across consecutive samples;
- people: frontal faces found by OpenCV's bundled Haar cascade (shared.media.vision) on the same
  frames, said only when the same number of faces is found on consecutive samples.
It never guesses: what it cannot tell reliably it does not say (decision 0322).

Every event carries a phrase key and value, so `sentence(event, lang)` words it in any
language with phrases below; the descriptions of each language come from its own phrases, not
from machine translation of the English (decision 0323).
"""

from __future__ import annotations

import difflib
import re
import subprocess
from dataclasses import replace
from pathlib import Path

import numpy as np

from shared.media import ffmpeg as ff
from shared.media import ocr, placement, quote_language, vision
from shared.media.types import Description, Transcript, VisualEvent, Word

SCENE_THRESHOLD = 0.3
OCR_INTERVAL = 1.0
OCR_WIDTH = 1280  # frames are read at this width at most: small UI type on a 1280x720 screen recording is read (0374)
FADE_FPS = 4
FADE_MIN = 0.5  # seconds of uniform black/white that make a fade (a flash is not one)
BLACK_MAX, WHITE_MIN = 32, 224  # every channel of every thumbnail pixel below / above
# ... but for up to FADE_OTHER of the 64 thumbnail pixels: a channel logo in a corner stays on
# screen through a fade (decision 0342)
FADE_OTHER = 3
# The average hides specks: a dark, speckled, moving picture (stars, grain, sparks) has 8x8
# thumbnails as dark as black. So the picture's own pixels are looked at too: POINTS x POINTS
# single pixels (nearest-neighbour scaling, no averaging), grouped into the same 8x8 cells; a
# cell is black (white) only when every one of its pixels is (decision 0343).
POINTS = 32
SCENE_NEAR = 1.0  # a cut this close to a fade or new text adds nothing
# Subtitles burnt into the picture (decision 0342): a text read on screen is the dialogue when
# at least SUBTITLE_SHARE of its letters are, in order, among the words spoken from
# SUBTITLE_BEFORE s before to SUBTITLE_AFTER s after it was read, and it has SUBTITLE_LETTERS
# letters or more (a short title that repeats a spoken name is still quoted).
SUBTITLE_LETTERS = 10
SUBTITLE_SHARE = 0.6
SUBTITLE_BEFORE, SUBTITLE_AFTER = 2.5, 3.5
SUBTITLE_RUN = 3  # letters in a row that count as matching (single letters match anything)
# A brand no dictionary knows (decision 0345): one word of this many letters, read the same on
# this many consecutive samples, with a letter no Greek or Cyrillic capital looks like
# How text is introduced (decision 0347): a title card is text on a plain picture (CARD_CELLS of
# the 64 thumbnail cells within CARD_SPREAD levels of the middle colour); a subtitle is a line
# of SUBTITLE_WORDS+ words below SUBTITLE_BAND of the height, centred within SUBTITLE_CENTRE
CARD_CELLS, CARD_SPREAD = 44, 16
CARD_LINES = 3  # more lines on a plain picture are a slide or a screen, not a title card
CARD_HEIGHT = 0.05  # of the frame's height: smaller type on a plain picture is not a title card (0374)
SUBTITLE_WORDS = 3
SUBTITLE_BAND = 0.7
SUBTITLE_CENTRE = 0.1
BRAND_LETTERS = (4, 12)
# A screen full of text (decision 0374): more lines or words than this appearing together are
# a page (a mail client, a document), told as such with its heading (a line in type at least
# HEADING_SIZE times the middle line's height, of HEADING_WORDS words at most), not read whole
PAGE_LINES = 6
PAGE_WORDS = 30
HEADING_SIZE = 1.3
HEADING_WORDS = 8
# A countdown ("STARTING IN 5", "4", "3"...; decision 0372): the same line whose one number goes
# down by one from each sample to the next, on at least COUNTDOWN_SAMPLES consecutive samples,
# read with confidence >= ocr.LOW_CONFIDENCE; said once (its numbers are never quoted: they are
# stale by the time they are heard)
COUNTDOWN_SAMPLES = 3
COUNTDOWN_MAX = 100  # a number above this is not a countdown said in whole seconds
BRAND_SAMPLES = 3
HOMOGLYPHS = frozenset("ABCEHIKMNOPTXYZ")  # Latin capitals that Greek or Cyrillic ones look like

PHRASES = {
    "en": {
        "scene": "A new scene begins.",
        "text": 'The text "{text}" appears on the screen.',
        "name": 'The caption names "{text}".',
        "card": 'Title card: "{text}".',
        "subtitle": 'Subtitle: "{text}".',
        "black": "The screen goes black.",
        "white": "The screen turns white.",
        "page": 'A screen full of text is shown, headed "{text}".',
        "page_untitled": "A screen full of text is shown.",
        "countdown": "A countdown is on screen.",
        "people": {1: "A person is on screen.", 2: "Two people are on screen.", 0: "Several people are on screen."},
    },
    "es": {
        "scene": "Empieza una escena nueva.",
        "text": 'Aparece en la pantalla el texto "{text}".',
        "name": 'Un rótulo presenta a "{text}".',
        "card": 'Cartela: "{text}".',
        "subtitle": 'Subtítulo: "{text}".',
        "black": "La pantalla se funde a negro.",
        "white": "La pantalla se vuelve blanca.",
        "page": 'Se muestra una pantalla llena de texto, con el título "{text}".',
        "page_untitled": "Se muestra una pantalla llena de texto.",
        "countdown": "Aparece una cuenta atrás.",
        "people": {1: "Aparece una persona.", 2: "Aparecen dos personas.", 0: "Aparecen varias personas."},
    },
    "ca": {
        "scene": "Comença una escena nova.",
        "text": 'Apareix a la pantalla el text "{text}".',
        "name": 'Un rètol presenta "{text}".',
        "card": 'Rètol: "{text}".',
        "subtitle": 'Subtítol: "{text}".',
        "black": "La pantalla es fon a negre.",
        "white": "La pantalla es torna blanca.",
        "page": 'Es mostra una pantalla plena de text, amb el títol "{text}".',
        "page_untitled": "Es mostra una pantalla plena de text.",
        "countdown": "Apareix un compte enrere.",
        "people": {1: "Apareix una persona.", 2: "Apareixen dues persones.", 0: "Apareixen diverses persones."},
    },
    "gl": {
        "scene": "Comeza unha escena nova.",
        "text": 'Aparece na pantalla o texto "{text}".',
        "name": 'Un rótulo presenta a "{text}".',
        "card": 'Cartela: "{text}".',
        "subtitle": 'Subtítulo: "{text}".',
        "black": "A pantalla fúndese a negro.",
        "white": "A pantalla vólvese branca.",
        "page": 'Móstrase unha pantalla chea de texto, co título "{text}".',
        "page_untitled": "Móstrase unha pantalla chea de texto.",
        "countdown": "Aparece unha conta atrás.",
        "people": {1: "Aparece unha persoa.", 2: "Aparecen dúas persoas.", 0: "Aparecen varias persoas."},
    },
    "eo": {
        "scene": "Nova sceno komenciĝas.",
        "text": 'La teksto "{text}" aperas sur la ekrano.',
        "name": 'Surekrana teksto nomas "{text}".',
        "card": 'Titolkarto: "{text}".',
        "subtitle": 'Subtitolo: "{text}".',
        "black": "La ekrano nigriĝas.",
        "white": "La ekrano blankiĝas.",
        "page": 'Ekrano plena de teksto aperas, kun la titolo "{text}".',
        "page_untitled": "Ekrano plena de teksto aperas.",
        "countdown": "Retronombrado aperas sur la ekrano.",
        "people": {1: "Persono aperas.", 2: "Du personoj aperas.", 0: "Pluraj personoj aperas."},
    },
}


def base(lang: str) -> str:
    return lang.split("-")[0].lower()


def has_phrases(lang: str) -> bool:
    return base(lang) in PHRASES


def phrases(lang: str) -> dict:
    return PHRASES.get(base(lang), PHRASES["en"])


def wording(key: str, value: str, lang: str) -> str:
    """The sentence for a phrase key in `lang` (English for a language without phrases)."""
    p = phrases(lang)
    if key == "page":
        return p["page"].format(text=value) if value else p["page_untitled"]
    if key in ("text", "name", "card", "subtitle"):
        said = p[key].format(text=value)
        # a quote ending its own sentence needs no second full stop ('... here.".')
        return said[:-1] if value[-1:] in ".!?" and said.endswith('".') else said
    if key == "people":
        n = int(value or 0)
        return p["people"].get(n if n in (1, 2) else 0)
    return p[key]


def event(time: float, key: str, value: str, lang: str) -> VisualEvent:
    kinds = {
        "black": "scene",
        "white": "scene",
        "name": "text",
        "card": "text",
        "subtitle": "text",
        "countdown": "text",
        "page": "text",
    }
    kind = kinds.get(key, key)
    return VisualEvent(round(time, 3), kind, wording(key, value, lang), key=key, value=value)


def sentence(e: VisualEvent, lang: str) -> VisualEvent:
    """The event worded in `lang`; free text (a model's sentence) stays as it is."""
    if not e.key or not has_phrases(lang):
        return e
    return replace(e, text=wording(e.key, e.value, lang))


def needed(e: VisualEvent, lang: str, speech: str | None) -> bool:
    """Whether the listeners of `lang`'s track need event `e`: burnt-in subtitles (the
    translation of a foreign speaker) only where the track's language is not the speech's, as a
    listener of the speech's language hears the speaker (decision 0371). `speech`: the language
    spoken in the programme, None when nothing is said (a silent film's subtitles are for all)."""
    return not (e.key == "subtitle" and speech is not None and base(lang) == base(speech))


def localized(d: Description, lang: str, speech: str | None = None) -> str | None:
    """A placed description in `lang`'s own phrases, without what that language's listeners do
    not need (`needed`; "" when that is all of it); None when it cannot be worded (free text
    from a model, or a language without phrases): then it is machine-translated."""
    if not d.parts or not has_phrases(lang) or any(not e.key for e in d.parts):
        return None
    return placement.combine([sentence(e, lang) for e in d.parts if needed(e, lang, speech)])


def for_track(descriptions: list[Description], lang: str, speech: str | None) -> list[Description]:
    """The placed descriptions as `lang`'s track says them: each in that language's phrases
    without what its listeners do not need, and those with nothing left out of it. The times
    stay (they were placed for the longest wording of every language)."""
    out = []
    for d in descriptions:
        text = localized(d, lang, speech)
        if text is None:
            out.append(d)
        elif text:
            out.append(replace(d, text=text))
    return out


def own_phrases(cues, placed: list[dict], lang: str, speech: str | None = None) -> list[str | None]:
    """For each source description cue (vtt.VttCue, as reviewed), its wording in `lang` from
    that language's phrases when the cue is still what the describer wrote (same start and
    text); None for a cue a person wrote or changed (it is machine-translated instead).
    `placed` is the describer's record (visual.json "descriptions")."""
    out: list[str | None] = []
    for cue in cues:
        text = " ".join(cue.text.split())
        match = next(
            (p for p in placed if abs(p["start"] - cue.start) < 0.01 and " ".join(p["text"].split()) == text), None
        )
        if match is None:
            out.append(None)
            continue
        out.append(localized(_placed(match), lang, speech) or None)
    return out


def not_in_source(placed: list[dict], lang: str, speech: str | None) -> list[Description]:
    """The descriptions the source track left out because its listeners hear the speech
    (recorded with empty text, decision 0371), as `lang`'s track says them; none for the
    speech's own language."""
    out = []
    for p in placed:
        if p["text"]:
            continue
        text = localized(_placed(p), lang, speech)
        if text:
            out.append(replace(_placed(p), text=text, parts=[]))
    return out


def _placed(p: dict) -> Description:
    parts = [VisualEvent(**e) for e in p.get("parts", [])]
    return Description(p["start"], p["end"], p["text"], bool(p.get("extended")), float(p.get("needed", 0.0)), parts)


def record(descriptions: list[Description], track: list[Description] | None = None) -> list[dict]:
    """What visual.json keeps of each placed description (with its events, for own_phrases):
    its text as the source track says it (`track`, by start), empty for one the track leaves
    out (`not_in_source`)."""
    said = {d.start: d.text for d in (descriptions if track is None else track)}
    return [dict(d.to_dict(), text=said.get(d.start, ""), parts=[e.__dict__ for e in d.parts]) for d in descriptions]


def _letters(text: str) -> str:
    return "".join(c for c in text.casefold() if c.isalnum())


def spoken_on_screen(text: str, time: float, words: list[Word]) -> bool:
    """Whether on-screen `text` read at `time` is the dialogue itself (burnt-in subtitles):
    most of its letters, in order, are those of the words spoken around that time. Works on
    readings that lost their spaces ("dwelcometoouropenday") and on misheard words."""
    key = _letters(text)
    if len(key) < SUBTITLE_LETTERS:
        return False
    said = _letters(
        " ".join(w.text for w in words if w.end >= time - SUBTITLE_BEFORE and w.start <= time + SUBTITLE_AFTER)
    )
    if not said:
        return False
    blocks = difflib.SequenceMatcher(None, key, said, autojunk=False).get_matching_blocks()
    return sum(b.size for b in blocks if b.size >= SUBTITLE_RUN) >= SUBTITLE_SHARE * len(key)


def without_subtitles(events: list[VisualEvent], words: list[Word]) -> list[VisualEvent]:
    """The events without on-screen text that only repeats what is being said (subtitles
    burnt into the picture): a blind viewer hears the dialogue already, and quoting each
    subtitle line would fill every gap with it (decision 0342)."""
    return [e for e in events if not (e.kind == "text" and e.value and spoken_on_screen(e.value, e.time, words))]


# ---------------------------------------------------------------- local engine

_PTS = re.compile(r"pts_time:([0-9.]+)")


def _point_cells(points: bytes) -> list[tuple[int, int]]:
    """For each POINTS x POINTS grey sample: (cells whose every pixel is dark, cells whose
    every pixel is bright), in an 8x8 grid of cells."""
    step = POINTS // 8
    n = len(points) // (POINTS * POINTS)
    grid = np.frombuffer(points, np.uint8, n * POINTS * POINTS).reshape(n, 8, step, 8, step)
    dark = (grid.max(axis=(2, 4)) < BLACK_MAX).sum(axis=(1, 2))
    bright = (grid.min(axis=(2, 4)) > WHITE_MIN).sum(axis=(1, 2))
    return [(int(d), int(b)) for d, b in zip(dark, bright)]


def fades(
    thumbs: bytes, fps: float = FADE_FPS, min_len: float = FADE_MIN, points: bytes | None = None
) -> list[tuple[float, str]]:
    """(start, "black" | "white") of each run of uniformly black or white pictures: 8x8 RGB
    thumbnails (the colour: a navy picture is not black) and, when given, POINTS x POINTS grey
    single-pixel samples taken at the same times (the spread: a dark picture full of bright
    specks is not black either)."""
    size = 8 * 8 * 3
    spread = _point_cells(points) if points is not None else []
    states = []
    for i in range(len(thumbs) // size):
        px = thumbs[i * size : (i + 1) * size]
        cells = [px[k : k + 3] for k in range(0, size, 3)]
        black = sum(1 for c in cells if max(c) < BLACK_MAX)
        white = sum(1 for c in cells if min(c) > WHITE_MIN)
        full = len(cells) - FADE_OTHER
        if i < len(spread):
            black, white = min(black, spread[i][0]), min(white, spread[i][1])
        states.append("black" if black >= full else "white" if white >= full else "")
    out: list[tuple[float, str]] = []
    i = 0
    while i < len(states):
        j = i
        while j < len(states) and states[j] == states[i]:
            j += 1
        if states[i] and (j - i) / fps >= min_len:
            out.append((round(i / fps, 3), states[i]))
        i = j
    return out


class LocalDescriber:
    def __init__(
        self,
        scene_threshold: float = SCENE_THRESHOLD,
        ocr_interval: float = OCR_INTERVAL,
        ocr_engine: str = "rapidocr",
        people: bool = True,
        ocr_threads: int = ocr.OCR_THREADS,
    ):
        self.scene_threshold = scene_threshold
        self.ocr_interval = ocr_interval
        self.reader = ocr.reader(ocr_engine, ocr_threads)
        self.people = people

    @classmethod
    def from_settings(cls, cfg) -> LocalDescriber:
        return cls(
            scene_threshold=float(cfg.extra.get("scene_threshold", SCENE_THRESHOLD)),
            ocr_interval=float(cfg.extra.get("ocr_interval", OCR_INTERVAL)),
            ocr_engine=str(cfg.extra.get("ocr_engine", "rapidocr")),
            people=bool(cfg.extra.get("describe_people", True)),
            ocr_threads=int(cfg.extra.get("ocr_threads", ocr.OCR_THREADS)),
        )

    def extract(self, video: Path, workdir: Path) -> tuple[list[float], bytes, list[Path]]:
        """Scene-change times, fade thumbnails (8x8 RGB at FADE_FPS) and the OCR frames; the
        single-pixel samples for the fades are left in `frames/points.gray` (`points`)."""
        frames = workdir / "frames"
        frames.mkdir(parents=True, exist_ok=True)
        for old in frames.glob("f-*.png"):
            old.unlink()
        graph = (
            f"[0:v]split=4[a][b][c][d];"
            f"[a]scale=160:-2,select='gt(scene,{self.scene_threshold})',showinfo,nullsink;"
            f"[b]fps={FADE_FPS},scale=8:8:flags=area,format=rgb24[t];"
            f"[d]fps={FADE_FPS},scale={POINTS}:{POINTS}:flags=neighbor,format=gray[p];"
            f"[c]fps=1/{self.ocr_interval},scale='min({OCR_WIDTH},iw)':-2[o]"
        )
        proc = subprocess.run(
            [
                ff.FFMPEG,
                "-hide_banner",
                "-nostdin",
                "-y",
                *ff.source_input(video),
                "-filter_complex",
                graph,
                "-map",
                "[t]",
                "-f",
                "rawvideo",
                str(frames / "thumbs.rgb"),
                "-map",
                "[p]",
                "-f",
                "rawvideo",
                str(frames / "points.gray"),
                "-map",
                "[o]",
                "-fps_mode" if _has_fps_mode() else "-vsync",
                "passthrough" if _has_fps_mode() else "0",
                str(frames / "f-%05d.png"),
            ],
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            raise ff.ToolError(f"frame extraction failed: {proc.stderr[-800:]}")
        cuts = [float(t) for t in _PTS.findall(proc.stderr)]
        thumbs = (frames / "thumbs.rgb").read_bytes() if (frames / "thumbs.rgb").exists() else b""
        return cuts, thumbs, sorted(frames.glob("f-*.png"))

    def analyse(self, video: Path, workdir: Path, lang: str = "en") -> list[VisualEvent]:
        cuts, thumbs, images = self.extract(video, workdir)
        times = [round(k * self.ocr_interval, 3) for k in range(len(images))]
        events: list[VisualEvent] = []
        fade_list = fades(thumbs, points=points(workdir))
        for t, colour in fade_list:
            events.append(event(t, colour, "", lang))
        pages = ocr.read_distinct(self.reader, images)
        samples = [(t, ocr.legible(boxes)) for t, boxes in zip(times, pages)]
        sure = [(t, ocr.legible(boxes, ocr.BRAND_CONFIDENCE)) for t, boxes in zip(times, pages)]
        for t, lines in ocr.stable_lines(samples):
            # letters of another script read as Latin ones are not quoted (decision 0342),
            # except a one-word brand that is clearly Latin and steady (decision 0345)
            lines = [line for line in lines if quote_language.readable(line) or brand(line, sure, t)]
            # first read on the sample labelled t (ffmpeg's fps filter takes the frame nearest
            # to t, up to half an interval later); it may have appeared up to one interval
            # earlier, and a cut in that window is the better anchor
            near = [c for c in cuts if t - self.ocr_interval <= c <= t + self.ocr_interval / 2]
            at = near[-1] if near else t
            k = min(range(len(times)), key=lambda i: abs(times[i] - t))
            if is_page(lines):
                # a screen full of text (a web page, a mail client, a document): not read out
                # whole, which would fill every pause; its heading, when one stands out (0374)
                events.append(event(at, "page", heading(lines, pages[k]), lang))
                continue
            for key, value in texts_and_names(lines):
                if key == "text":
                    key = text_kind(value, lines, pages[k : k + 3], frame_size(images[k]), _thumb(thumbs, t + 0.5))
                events.append(event(at, key, value, lang))
        events += unsure_numbers(samples, pages, times, events, lang)
        events += [event(t, "countdown", "", lang) for t in countdowns(pages, times)]
        if self.people and images:
            for t, count in vision.people_changes(images, times):
                events.append(event(t, "people", str(count), lang))
        told = [e.time for e in events]
        for c in cuts:
            if not any(abs(c - t) <= SCENE_NEAR for t in told):
                events.append(event(c, "scene", "", lang))
        return sorted(events, key=lambda e: e.time)

    def describe(self, video: Path, transcript: Transcript, workdir: Path, language: str) -> list[VisualEvent]:
        return self.analyse(video, workdir, language)


def points(workdir: Path) -> bytes | None:
    """The single-pixel grey samples `extract` left in `workdir` (None when there are none)."""
    path = workdir / "frames" / "points.gray"
    return path.read_bytes() if path.exists() else None


def unsure_numbers(samples, pages, times: list[float], told: list[VisualEvent], lang: str) -> list[VisualEvent]:
    """Lines with a number (prices over a moving picture) read with confidence between
    ocr.LOW_CONFIDENCE and ocr.MIN_CONFIDENCE: quoted when read exactly the same on
    ocr.LOW_SAMPLES consecutive samples and not already said (decision 0348)."""
    low = [
        (t, [ln for ln in ocr.legible(boxes, ocr.LOW_CONFIDENCE) if any(c.isdigit() for c in ln)])
        for t, boxes in zip(times, pages)
    ]
    said = [e for e in told if e.kind == "text"]
    out = []
    for t, lines in ocr.stable_lines(low):
        for line in lines:
            if any(
                ocr.variant(e.value.casefold(), line.casefold()) and abs(e.time - t) < ocr.REPEAT_AFTER for e in said
            ):
                continue
            if ocr.runs(line, low, t) < ocr.LOW_SAMPLES or not quote_language.readable(line):
                continue
            if any(ocr.variant(line.casefold(), o.casefold()) for _, sure in samples for o in sure if _ == t):
                continue  # read confidently at that moment: the first pass has decided on it
            e = event(t, "text", line, lang)
            said.append(e)
            out.append(e)
    return out


_NUMBER = re.compile(r"(?<![\d.,:/])\d{1,3}(?![\w.,:/%])")  # "5", "IN5" (a space OCR lost); not "00:05"


def _count(line: str) -> tuple[str, int] | None:
    """(the line with its one number taken out, the number) for a line with exactly one whole
    number in it ("STARTING IN 5" -> ("starting in #", 5)); None otherwise."""
    found = _NUMBER.findall(line)
    if len(found) != 1 or int(found[0]) > COUNTDOWN_MAX:
        return None
    return " ".join(_NUMBER.sub(" # ", line).casefold().split()), int(found[0])


def countdowns(pages, times: list[float]) -> list[float]:
    """When a countdown starts on screen: a line (or a number alone) whose number goes down by
    exactly one from each sample to the next, read so on COUNTDOWN_SAMPLES samples or more (one
    sample between them may miss it), the rest of the line reading the same. One time per
    countdown (decision 0372)."""
    seen = [
        [c for c in (_count(text) for text, conf in ocr.lines_of(boxes) if conf >= ocr.LOW_CONFIDENCE) if c]
        for boxes in pages
    ]
    out: list[float] = []
    runs: dict[str, tuple[int, int, float, bool]] = {}  # label -> (next number, readings, first time, missed one)
    for k, counts in enumerate(seen):
        nxt: dict[str, tuple[int, int, float, bool]] = {}
        for label, n in counts:
            same = next((lb for lb in runs if lb == label or ocr.variant(lb, label)), None)
            run = runs.pop(same) if same is not None else None
            if run is not None and n == run[0]:
                nxt[label] = (n - 1, run[1] + 1, run[2], run[3])
            else:
                nxt[label] = (n - 1, 1, times[k], False)
            begun = nxt[label][2]
            if nxt[label][1] == COUNTDOWN_SAMPLES and not any(abs(t - begun) < ocr.REPEAT_AFTER for t in out):
                out.append(begun)
        for label, (n, readings, first, missed) in runs.items():  # not read on this sample
            if not missed and label not in nxt:
                nxt[label] = (n - 1, readings, first, True)
        runs = nxt
    return out


def brand(line: str, sure: list[tuple[float, list[str]]], t: float) -> bool:
    """Whether a line no dictionary knows is still worth quoting as a brand or a logo
    ("SPOTIFY", "CITYTV"; decision 0345): one word of BRAND_LETTERS Latin letters, with a
    letter that no Greek or Cyrillic capital looks like, read exactly the same with confidence
    >= ocr.BRAND_CONFIDENCE on at least BRAND_SAMPLES consecutive samples."""
    word = line.strip()
    if not (word.isalpha() and BRAND_LETTERS[0] <= len(word) <= BRAND_LETTERS[1]) or not ocr.plausible(word):
        return False
    if not set(word.upper()) - HOMOGLYPHS:
        return False
    return ocr.runs(word, sure, t) >= BRAND_SAMPLES


def _thumb(thumbs: bytes, t: float) -> bytes:
    """The 8x8 RGB thumbnail nearest to time t (empty when there is none)."""
    size = 8 * 8 * 3
    k = min(round(t * FADE_FPS), len(thumbs) // size - 1)
    return thumbs[k * size : (k + 1) * size] if k >= 0 else b""


def frame_size(image: Path) -> tuple[int, int]:
    """(width, height) of a PNG from its header (0, 0 when it is not one)."""
    head = image.read_bytes()[:24] if image.exists() else b""
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n":
        return 0, 0
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def plain(thumb: bytes) -> bool:
    """Whether a picture is one plain colour around its text (a title card): at least
    CARD_CELLS of its 64 thumbnail cells within CARD_SPREAD of the middle colour in every
    channel (text covers a few cells)."""
    if len(thumb) != 192:
        return False
    cells = [thumb[k : k + 3] for k in range(0, 192, 3)]
    mid = [sorted(c[ch] for c in cells)[32] for ch in range(3)]
    return sum(1 for c in cells if all(abs(c[ch] - mid[ch]) <= CARD_SPREAD for ch in range(3))) >= CARD_CELLS


def text_kind(value: str, lines: list[str], pages, size: tuple[int, int], thumb: bytes) -> str:
    """How on-screen text is introduced (decision 0347): "subtitle" for lines in the bottom band
    of the picture, centred, of SUBTITLE_WORDS words or more (burnt-in subtitles that are not
    the words being said in the programme's language: a foreign speaker's, a silent film's);
    else "card" for text on a plain picture (a silent film's intertitle, a title card); else
    "text"."""
    width, height = size
    card = "card" if plain(thumb) and len(lines) <= CARD_LINES and _title_sized(value, pages, height) else "text"
    parts = [ln for ln in lines if ln in value]
    if not width or not height or not parts or len(value.split()) < SUBTITLE_WORDS:
        return card
    for ln in parts:
        p = ocr.place_of(ln, pages)
        if (
            p is None
            or p.y < SUBTITLE_BAND * height
            or abs((p.left + p.right) / 2 - width / 2) > SUBTITLE_CENTRE * width
        ):
            return card
    return "subtitle"


def is_page(lines: list[str]) -> bool:
    """Whether lines that appeared together are a screen full of text rather than a title, a
    slide or a caption: more than PAGE_LINES lines, or more than PAGE_WORDS words."""
    return len(lines) > PAGE_LINES or sum(len(ln.split()) for ln in lines) > PAGE_WORDS


def heading(lines: list[str], boxes: list[ocr.Box]) -> str:
    """The line of a page in the largest type, when it stands out (HEADING_SIZE times the
    middle line's height) and is short (HEADING_WORDS words at most): what a sighted viewer
    reads first. "" when no line stands out."""
    heights = []
    for ln in lines:
        mine = [b.h for b in boxes if b.text.strip() and b.text.strip() in ln]
        heights.append(max(mine) if mine else 0.0)
    if not heights or not max(heights):
        return ""
    middle = sorted(heights)[len(heights) // 2]
    top = max(range(len(lines)), key=lambda i: heights[i])
    if heights[top] < HEADING_SIZE * middle or len(lines[top].split()) > HEADING_WORDS:
        return ""
    return lines[top]


def _title_sized(value: str, pages, height: int) -> bool:
    """Whether the text is set large enough for a title card (its tallest box at least
    CARD_HEIGHT of the frame's height): a small notification on a plain desktop is not one
    (decision 0374). True when the size is unknown."""
    boxes = [b for page in pages[:1] for b in page if b.text.strip() and b.text.strip() in value]
    if not height or not boxes:
        return True
    return max(b.h for b in boxes) >= CARD_HEIGHT * height


def texts_and_names(lines: list[str]) -> list[tuple[str, str]]:
    """The events of lines that appeared together: a line that is a person's name (a lower
    third: "DR MARIA LOPEZ", with the role under it, "Head of Research") is a "name" event
    (decision 0344); the other lines together are one "text" event (`joined`)."""
    out: list[tuple[str, str]] = []
    rest: list[str] = []
    k = 0
    while k < len(lines):
        if is_name(lines[k]):
            role = lines[k + 1] if k + 1 < len(lines) and not is_name(lines[k + 1]) else ""
            value = name_case(lines[k]) + (f", {role}" if role else "")
            out.append(("name", value))
            k += 2 if role else 1
            continue
        rest.append(lines[k])
        k += 1
    if rest:
        out.insert(0, ("text", joined(rest)))
    return out


def joined(lines: list[str]) -> str:
    """Lines shown together as one text, with a comma where a line ends without punctuation:
    a slide's title and bullets are heard as a list, not one run of words (decision 0349)."""
    return " ".join(ln if ln[-1:] in ".,:;!?" or k == len(lines) - 1 else ln + "," for k, ln in enumerate(lines))


def is_name(line: str) -> bool:
    """2-4 words in capitals or with a capital initial, letters only (a title may end with a
    period), each a name or title the dictionaries know as such, the first one included."""
    words = line.split()
    if not 2 <= len(words) <= 4:
        return False
    letters = [w.rstrip(".") for w in words]
    if not all(w.replace("-", "").isalpha() and (w.isupper() or w[:1].isupper()) for w in letters):
        return False
    named = quote_language.names(line)
    core = [w.lower() for w in letters if w.lower() not in quote_language.TITLES]
    return bool(core) and all(w in named for w in core[:1]) and sum(w in named for w in core) * 2 >= len(core)


def name_case(line: str) -> str:
    """A name shown in capitals, as a name is written ("DR MARIA LOPEZ" -> "Dr Maria Lopez"):
    the voices read it as words, not letters."""
    return " ".join(w.capitalize() if w.isupper() else w for w in line.split())


def _has_fps_mode() -> bool:
    """ffmpeg 5.1 has -fps_mode; 4.4 (the cloud stack) only -vsync."""
    try:
        major = int(ff.version().split(".")[0].lstrip("n"))
    except ValueError:
        return True
    return major >= 5


# Placement lives in shared.media.placement; these names stay importable from here for callers
# that describe and place in one go (bench/pipeline.py).
dialogue_gaps = placement.dialogue_gaps
place = placement.place
MIN_GAP_SECONDS = placement.MIN_GAP_SECONDS
