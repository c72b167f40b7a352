"""Plain data passed between the media engines and the pipeline steps (no I/O here)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Word:
    start: float
    end: float
    text: str
    probability: float = 1.0
    speaker: int = 0  # voice number from shared.media.speaker_change (0 when not detected)


@dataclass
class Transcript:
    language: str
    duration: float
    words: list[Word] = field(default_factory=list)
    dropped: list[dict] = field(default_factory=list)  # what cleaning removed, and why

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Transcript:
        return cls(
            language=data["language"],
            duration=float(data["duration"]),
            words=[Word(**w) for w in data.get("words", [])],
            dropped=list(data.get("dropped", [])),
        )

    @property
    def text(self) -> str:
        return " ".join(w.text.strip() for w in self.words).strip()


@dataclass
class Cue:
    start: float
    end: float
    text: str  # lines joined with "\n"

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass
class VisualEvent:
    """Something seen at a time in the source. `text` is the sentence in the describer's
    language; `key` + `value` let shared.media.describe word it in any language it has phrases
    for."""

    time: float
    kind: str  # "text" | "people" | "scene" | "description" (free text from a model)
    text: str = ""
    key: str = ""  # which phrase: text | people | scene | black | white ("" = free text)
    value: str = ""  # the phrase's parameter: the text read, the number of people


@dataclass
class Gap:
    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass
class Description:
    """One audio-description cue. `extended` marks one that fits no dialogue gap: the
    extended-AD render holds the picture at `start` for `needed` seconds."""

    start: float
    end: float
    text: str
    extended: bool = False
    needed: float = 0.0
    parts: list[VisualEvent] = field(default_factory=list)  # what it says, in priority order

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("parts")
        return d


@dataclass
class GlossaryTerm:
    source: str
    target: str
    target_language: str
    case_sensitive: bool = False
    id: str = ""
    note: str = ""


@dataclass
class LanguageGuess:
    """What language identification heard: the top language (ISO 639-1, as the model names
    it), its probability, the runners-up, and how much speech it listened to."""

    language: str
    probability: float
    alternatives: list[tuple[str, float]] = field(default_factory=list)
    speech_seconds: float = 0.0
    windows: int = 0

    def to_dict(self) -> dict:
        return asdict(self)
