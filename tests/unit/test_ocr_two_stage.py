"""The RapidOCR reader's two stages (decision 0340): a cheap look for text on every frame, the
word-level detector and the recogniser only where text persists. The engine here is a fake
(white pixels are "text"); the real one is exercised by tests/integration/test_description_quality.py."""

from __future__ import annotations

import numpy as np

from shared.media import ocr


def quad(x0, y0, x1, y1):
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype="float32")


class WhiteIsText:
    """Finds one box around the white pixels of what it is given; reads every box as `word`."""

    text_score = 0.5

    def __init__(self, word: str = "HI THERE"):
        self.word = word
        self.det_shapes: list[tuple[int, int]] = []
        self.read = 0

    def text_det(self, img):
        self.det_shapes.append(img.shape[:2])
        ys, xs = np.where(img.min(axis=2) > 200)
        if len(xs) == 0:
            return None, 0.0
        return [quad(xs.min(), ys.min(), xs.max(), ys.max())], 0.0

    def get_crop_img_list(self, img, quads):
        return [img[int(q[0][1]) : int(q[2][1]) + 1, int(q[0][0]) : int(q[2][0]) + 1] for q in quads]

    def text_rec(self, crops):
        self.read += len(crops)
        return [(self.word, 0.99) for _ in crops], 0.0


def frames(tmp_path, rects, same_noise=False):
    """640x360 frames: None -> flat black; (x0, y0, x1, y1) -> a white box on a noisy picture
    (new noise on every frame: a moving picture; or the same noise: a still one)."""
    import cv2

    rng = np.random.default_rng(1)
    paths = []
    for k, rect in enumerate(rects):
        if same_noise:
            rng = np.random.default_rng(1)
        img = np.zeros((360, 640, 3), np.uint8)
        if rect is not None:
            img = rng.integers(0, 120, (360, 640, 3), dtype=np.uint8)
            x0, y0, x1, y1 = rect
            img[y0:y1, x0:x1] = 255
        path = tmp_path / f"f-{k:05d}.png"
        cv2.imwrite(str(path), img)
        paths.append(path)
    return paths


def test_flat_frames_are_not_searched_and_text_on_one_sample_is_not_read(tmp_path):
    engine = WhiteIsText()
    reader = ocr.RapidOcrReader()
    reader._engine = engine
    images = frames(tmp_path, [None, (100, 200, 400, 240), (100, 200, 400, 240), None, (500, 20, 520, 120), None])
    pages = reader.read(images)
    assert [len(p) for p in pages] == [0, 1, 1, 0, 0, 0]
    assert pages[1][0].text == "HI THERE" and abs(pages[1][0].y - 220) < 2
    # stage 1 on the three frames with something on them (at COARSE_SIDE), stage 2 on the two
    # with persistent text, each on a band around the box only
    coarse = [s for s in engine.det_shapes if s == (270, 480)]
    assert len(coarse) == 3
    fine = [s for s in engine.det_shapes if s != (270, 480)]
    assert len(fine) == 2 and all(h < 360 * 1.5 for h, w in fine)
    assert engine.read == 2


def test_a_repeated_picture_is_not_read_again_and_spaces_are_asked_once(tmp_path, monkeypatch):
    asked = []
    monkeypatch.setattr(
        ocr, "_spacings", lambda lines, folder: asked.append(len(lines)) or ["SUMMER SALE"] * len(lines)
    )
    engine = WhiteIsText("SUMMERSALE")
    reader = ocr.RapidOcrReader()
    reader._engine = engine
    rect = (100, 200, 400, 240)
    images = frames(tmp_path, [rect, rect, rect], same_noise=True)  # the same picture three times
    pages = reader.read(images)
    assert [[b.text for b in p] for p in pages] == [["SUMMER SALE"]] * 3
    assert engine.read == 1 and asked == [1]  # one tesseract run, for one line


def test_boxes_persist_by_place_or_by_size():
    here = quad(100, 200, 400, 240)
    assert ocr.persistent([here], [[quad(105, 202, 398, 241)], []]) == [True]  # same place
    assert ocr.persistent([here], [[], [quad(300, 50, 598, 91)]]) == [True]  # moved, same size
    assert ocr.persistent([here], [[quad(10, 10, 40, 30)], []]) == [False]
    assert ocr.persistent([here], [[], []]) == [False]


def test_bands_around_boxes_are_merged_and_clipped():
    bands = ocr.regions([quad(100, 200, 400, 240), quad(380, 205, 600, 245), quad(10, 10, 30, 20)], 640, 360)
    assert bands == [(0, 0, 41, 31), (60, 160, 640, 286)]


def test_a_zero_inside_a_capital_word_is_the_letter_o():
    assert ocr.normalise("50%0FF") == "50% OFF"
    assert ocr.normalise("SUMMER SALE 50% 0FF") == "SUMMER SALE 50% OFF"
    assert ocr.normalise("B00K NOW") == "BOOK NOW"
    assert ocr.normalise("ROOM 101") == "ROOM 101"  # numbers stay numbers
    assert ocr.normalise("A0 B2") == "A0 B2"  # codes stay codes


def test_tesseract_gives_the_spaces_of_every_line_in_one_run(tmp_path):
    import cv2

    lines = []
    for k, text in enumerate(["QUALITY CHECK", "SOLAR"]):
        img = np.full((60, 420, 3), 255, np.uint8)
        cv2.putText(img, text, (10, 45), cv2.FONT_HERSHEY_SIMPLEX, 1.4, (0, 0, 0), 3)
        lines.append(tmp_path / f"line-{k}.png")
        cv2.imwrite(str(lines[-1]), img)
    assert ocr._spacings(lines, tmp_path) == ["QUALITY CHECK", "SOLAR"]


def test_a_picture_read_on_its_own_is_read_whole(tmp_path):
    engine = WhiteIsText()
    reader = ocr.RapidOcrReader()
    reader._engine = engine
    pages = reader.read(frames(tmp_path, [(100, 200, 400, 240)]))
    assert [b.text for b in pages[0]] == ["HI THERE"]


def test_words_run_together_are_split_where_tesseract_finds_no_spaces(tmp_path, monkeypatch):
    monkeypatch.setattr(ocr, "_spacings", lambda lines, folder: [""] * len(lines))
    asked = []
    monkeypatch.setattr(ocr.quote_language, "split_words", lambda token: asked.append(token) or "FREE DELIVERY TODAY")
    engine = WhiteIsText("FREEDELIVERYTODAY")
    reader = ocr.RapidOcrReader()
    reader._engine = engine
    rect = (100, 200, 400, 240)
    pages = reader.read(frames(tmp_path, [rect, rect]))
    assert [[b.text for b in p] for p in pages] == [["FREE DELIVERY TODAY"]] * 2
    assert asked == ["FREEDELIVERYTODAY"]  # once per distinct reading


def test_lines_cut_off_by_the_frame_edge_and_endless_words_are_not_quoted():
    assert ocr.cut_off([0.0, 359.3, 359.3, 0.0], 360) and ocr.cut_off([40.0, 639.0], 640)
    assert not ocr.cut_off([3.3, 101.3], 360)
    assert not ocr.plausible("dwelcometoouropendayattheh")
    assert ocr.plausible("Congratulations")
