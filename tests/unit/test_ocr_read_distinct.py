"""ocr.read_distinct reads each distinct picture once and gives every sample its own copy of
the boxes read for its picture (decision 1202)."""

from shared.media import ocr


class CountingReader:
    def __init__(self):
        self.asked = []
        self.held = None

    def read(self, images, held=None):
        self.asked.append([p.name for p in images])
        self.held = held
        return [[ocr.Box(p.read_bytes().decode(), 0.99, 1.0, 2.0, 3.0)] for p in images]


def test_identical_samples_are_read_once(tmp_path):
    names = ["a", "b", "a", "a", "c", "b"]
    images = []
    for k, content in enumerate(names):
        path = tmp_path / f"f-{k:05d}.png"
        path.write_bytes(content.encode())
        images.append(path)
    reader = CountingReader()
    pages = ocr.read_distinct(reader, images)
    assert reader.asked == [["f-00000.png", "f-00001.png", "f-00004.png"]]
    assert reader.held == {0}  # "a" is shown on two consecutive samples (2, 3): its text persists
    assert [page[0].text for page in pages] == names
    pages[2][0].text = "changed"
    assert pages[3][0].text == "a" and pages[0][0].text == "a"


def test_no_samples_reads_nothing():
    reader = CountingReader()
    assert ocr.read_distinct(reader, []) == []
    assert reader.asked == []
