"""People on screen, told only when it can be told reliably (decision 0322).

OpenCV's bundled frontal-face Haar cascade (in the opencv-python wheel that RapidOCR already
needs; no model download) runs on the sampled frames with strict settings: a face must be at
least MIN_FACE of the frame's height and confirmed by MIN_NEIGHBORS overlapping detections.
A number of people is said only when it is found on consecutive samples, and only when it
changes to a non-zero number; nobody leaving is not announced. A face seen from the side, or too
small, is not counted: saying nothing is better than guessing.

mediapipe 0.10.21 (which ships face and pose models) was not used: it requires numpy < 2, which
the rest of the platform has moved past.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

MIN_FACE = 0.12  # of the frame height
MIN_NEIGHBORS = 8
SCALE_STEP = 1.1
FACE_WIDTH = 640  # px: frames are searched at this width at most (as before decision 0374)


class FaceCounter:
    def __init__(self):
        self._cascade = None

    @property
    def cascade(self):
        if self._cascade is None:
            import cv2  # heavy; comes with opencv-python

            self._cascade = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml")
        return self._cascade

    def count(self, image: Path) -> int:
        import cv2

        img = cv2.imread(str(image), cv2.IMREAD_GRAYSCALE)
        if img is None:
            return 0
        if img.shape[1] > FACE_WIDTH:  # the OCR frames are up to 1280 px wide; faces need no more
            img = cv2.resize(
                img, (FACE_WIDTH, round(img.shape[0] * FACE_WIDTH / img.shape[1])), interpolation=cv2.INTER_AREA
            )
        side = max(24, int(img.shape[0] * MIN_FACE))
        faces = self.cascade.detectMultiScale(img, SCALE_STEP, MIN_NEIGHBORS, minSize=(side, side))
        return len(faces)


def people_changes(
    images: list[Path], times: list[float], counter: FaceCounter | None = None
) -> list[tuple[float, int]]:
    """(time, number of people) each time a new non-zero number of faces holds on two
    consecutive samples. A sample whose file is byte-identical to an earlier one (a still
    shot) is not searched again."""
    counter = counter or FaceCounter()
    seen: dict[str, int] = {}
    counts = []
    for p in images:
        digest = hashlib.sha256(p.read_bytes()).hexdigest()
        if digest not in seen:
            seen[digest] = counter.count(p)
        counts.append(seen[digest])
    return stable_counts(counts, times)


def stable_counts(counts: list[int], times: list[float]) -> list[tuple[float, int]]:
    out = []
    current = 0
    for k in range(len(counts) - 1):
        n = counts[k]
        if n == counts[k + 1] and n != current:
            if n > 0:
                out.append((times[k], n))
            current = n
    return out
