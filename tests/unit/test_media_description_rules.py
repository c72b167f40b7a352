"""The rules of audio description, on their own: what on-screen text is quoted, one description
at a time, priorities, each language's own phrases."""

import random

from shared.media import describe as ad
from shared.media import narration, ocr, placement, vision
from shared.media.types import VisualEvent, Word
from shared.media.vtt import VttCue


def box(text, conf=0.99, x=0.0, y=100.0, h=30.0):
    return ocr.Box(text, conf, x, y, h)


def test_plausible_keeps_words_and_codes_and_drops_garbage():
    for good in [
        "SUMMER SALE 50% OFF",
        "ACME WIDGETS",
        "Call 555-0100 today",
        "Open 9:30",
        "NYC Marathon",
        "¿Qué tal?",
    ]:
        assert ocr.plausible(good), good
    for bad in ["00 500504 560 144 Gr Mttenes, fe ee", "qi}", "oR", "一", "SAEES50% OF", "12 34", "fEe OFF", "|_| 50%"]:
        assert not ocr.plausible(bad), bad


def test_lines_are_read_in_order_with_their_weakest_confidence():
    boxes = [box("50%OFF", 0.95, x=300), box("SUMMER", x=10), box("SALE", x=150, y=104), box("NEXT", y=200)]
    assert ocr.lines_of(boxes) == [("SUMMER SALE 50% OFF", 0.95), ("NEXT", 0.99)]
    assert ocr.legible([box("SUMMER"), box("SALE", 0.6, x=150)]) == []


def test_only_text_that_reads_the_same_on_consecutive_samples_is_quoted_once():
    samples = [
        (0.0, []),
        (1.0, ["Mttenes fe"]),  # one sample only: never quoted
        (2.0, ["SUMMER SALE 50% OFF"]),
        (3.0, ["SUMMER SALE 50% OFF"]),
        (4.0, ["SUMMER SALE 50% 0FF"]),  # a small misread still counts as the same text
        (5.0, ["SUMMER SALE 50% OFF", "ACME"]),
        (6.0, ["ACME"]),
        (7.0, []),
        (8.0, ["SUMMER SALE 50% OFF"]),  # back within REPEAT_AFTER: not said again
        (9.0, ["SUMMER SALE 50% OFF"]),
    ]
    assert ocr.stable_texts(samples) == [(2.0, "SUMMER SALE 50% OFF"), (5.0, "ACME")]
    later = samples + [(9.0 + k, []) for k in range(1, 40)] + [(60.0, ["SUMMER SALE"]), (61.0, ["SUMMER SALE"])]
    assert ocr.stable_texts(later)[-1] == (60.0, "SUMMER SALE")


def test_a_stable_misreading_of_the_text_on_screen_is_not_quoted_again():
    samples = [
        (3.0, ["GRAND OPENING"]),
        (4.0, ["GRAND OPENING"]),
        (5.0, ["GRAND OPENII"]),  # the picture behind the last letters changed: read twice the same way
        (6.0, ["GRAND OPENII"]),
        (7.0, ["GRAND OPENING"]),
        (8.0, ["GRAND CLOSING"]),  # four characters off: a new text
        (9.0, ["GRAND CLOSING"]),
    ]
    assert ocr.stable_texts(samples) == [(3.0, "GRAND OPENING"), (8.0, "GRAND CLOSING")]


def test_tesseract_tsv_words_become_boxes():
    tsv = (
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
        "1\t1\t0\t0\t0\t0\t0\t0\t640\t360\t-1\t\n"
        "5\t1\t1\t1\t1\t1\t10\t90\t80\t20\t96.5\tACME\n"
        "5\t1\t1\t1\t1\t2\t100\t92\t90\t20\t40.0\tWIDGETS\n"
    )
    boxes = ocr.parse_tsv(tsv)
    assert [(b.text, round(b.confidence, 3)) for b in boxes] == [("ACME", 0.965), ("WIDGETS", 0.4)]
    assert ocr.legible(boxes) == []  # one unsure word spoils the line


def _events(seed: int, duration: float) -> list[VisualEvent]:
    rnd = random.Random(seed)
    out = []
    for _ in range(rnd.randint(3, 25)):
        key = rnd.choice(["scene", "text", "black", "people"])
        value = rnd.choice(["SUMMER SALE", "ACME WIDGETS AND SONS", "OPEN"]) if key == "text" else "1"
        out.append(ad.event(rnd.uniform(0, duration), key, value, "en"))
    return out


def _words(seed: int, duration: float) -> list[Word]:
    rnd = random.Random(seed)
    words, t = [], rnd.uniform(0, 4)
    while t < duration - 1:
        n = rnd.randint(2, 20)
        for _ in range(n):
            words.append(Word(round(t, 2), round(t + 0.3, 2), "word"))
            t += 0.35
        t += rnd.choice([0.2, 0.6, 1.5, 3.0, 6.0])
    return words


def test_descriptions_never_overlap_and_standard_ones_stay_in_gaps():
    for seed in range(200):
        duration = 60.0
        words = _words(seed, duration)
        gaps = placement.dialogue_gaps(words, duration)
        out = placement.place(_events(seed, duration), gaps, duration, ["en", "es"], words, sentence=ad.sentence)
        for a, b in zip(out, out[1:]):
            assert a.end <= b.start, (seed, a, b)
        for d in out:
            assert d.end > d.start
            if not d.extended:
                assert any(g.start <= d.start and d.end <= g.end + 1e-6 for g in gaps), (seed, d)


def test_nothing_is_described_where_nothing_changed_and_slots_are_not_all_extended():
    assert placement.place([], placement.dialogue_gaps([], 30.0), 30.0, "en") == []
    words = [Word(0.5, 3.0, "talk"), Word(9.0, 12.0, "talk"), Word(18.0, 21.0, "talk")]
    gaps = placement.dialogue_gaps(words, 30.0)
    events = [ad.event(3.2, "text", "ACME", "en"), ad.event(3.6, "scene", "", "en"), ad.event(12.5, "black", "", "en")]
    out = placement.place(events, gaps, 30.0, "en", words, sentence=ad.sentence)
    assert [d.text for d in out] == ['The text "ACME" appears on the screen.', "The screen goes black."]
    assert not any(d.extended for d in out)


def test_priorities_text_then_people_then_scene_when_room_is_short():
    words = [Word(0.0, 2.0, "talk"), Word(5.2, 9.0, "talk")]
    gaps = placement.dialogue_gaps(words, 9.0)  # about 2.9 s of room
    events = [
        ad.event(2.2, "white", "", "en"),
        ad.event(2.3, "people", "2", "en"),
        ad.event(2.4, "text", "GRAND OPENING", "en"),
    ]
    out = placement.place(events, gaps, 9.0, "en", words, sentence=ad.sentence)
    assert len(out) == 1 and '"GRAND OPENING"' in out[0].text and not out[0].extended
    assert "white" not in out[0].text  # the lowest priority was left out, the gap not stretched
    assert out[0].end <= gaps[0].end


def test_each_language_gets_its_own_phrases_and_edited_cues_are_left_to_translation():
    events = [ad.event(1.0, "text", "SUMMER SALE 50% OFF", "en"), ad.event(1.2, "people", "2", "en")]
    out = placement.place(events, placement.dialogue_gaps([], 10.0), 10.0, ["en", "es"], [], sentence=ad.sentence)
    assert out[0].text == 'The text "SUMMER SALE 50% OFF" appears on the screen. Two people are on screen.'
    assert ad.localized(out[0], "es") == 'Aparece en la pantalla el texto "SUMMER SALE 50% OFF". Aparecen dos personas.'
    placed = ad.record(out)
    cues = [VttCue(out[0].start, out[0].end, out[0].text), VttCue(out[0].start, out[0].end, "A man waves.")]
    assert ad.own_phrases(cues, placed, "es") == [ad.localized(out[0], "es"), None]
    assert ad.own_phrases(cues[:1], placed, "fr") == [None]  # no French phrases: translated


def test_fades_need_a_run_of_uniform_frames():
    black, white, navy = bytes(192), bytes([250]) * 192, bytes([0, 0, 128] * 64)
    thumbs = navy * 4 + black * 3 + navy * 2 + black + white * 2 + navy
    assert ad.fades(thumbs, fps=4) == [(1.0, "black"), (2.5, "white")]


def test_people_are_said_when_a_count_holds_and_changes():
    counts = [0, 1, 0, 1, 1, 1, 2, 2, 0, 0, 1, 1]
    times = [float(k) for k in range(len(counts))]
    assert vision.stable_counts(counts, times) == [(3.0, 1), (6.0, 2), (10.0, 1)]


def test_a_still_shot_is_searched_for_faces_once(tmp_path):
    class Counter:
        searched: list[str] = []

        def count(self, path):
            self.searched.append(path.name)
            return 2 if path.read_bytes() == b"two" else 0

    images = []
    for k, content in enumerate([b"two", b"two", b"two", b"none", b"two"]):
        images.append(tmp_path / f"f-{k}.png")
        images[-1].write_bytes(content)
    counter = Counter()
    assert vision.people_changes(images, [0.0, 1.0, 2.0, 3.0, 4.0], counter) == [(0.0, 2)]
    assert counter.searched == ["f-0.png", "f-3.png"]


def test_spaces_come_back_from_a_second_reading_of_the_same_line():
    assert ocr.respace("QUALITYCHECK", "QUALITY CHECK") == "QUALITY CHECK"
    assert ocr.respace("50%OFF", "50% ORF") == "50% OFF"  # only the spaces are taken from it
    assert ocr.respace("SHIPPING", "SHIP PIN") == "SHIPPING"  # not the same line: unchanged
    assert ocr.respace("ACME", "") == "ACME"


def test_the_descriptions_track_says_what_the_narration_does():
    cues = [VttCue(1.0, 3.0, "A", "ad-1"), VttCue(5.0, 6.0, "B", "ad-2"), VttCue(8.0, 9.0, "C", "ad-3-extended")]
    clips = [
        narration.Clip("ad-001.wav", 1.0, 1.5, 2.0, 1.0, "A"),
        narration.Clip("ad-002.wav", 5.0, 2.0, 0.9, 1.0, "B", extended=True),  # did not fit
        narration.Clip("ad-003.wav", 8.0, 0.8, 1.0, 1.0, "C"),  # fits after all
    ]
    out = narration.relabelled(cues, narration.Plan("en", clips))
    assert [c.identifier for c in out] == ["ad-1", "ad-2-extended", "ad-3"]
    assert [(c.start, c.end, c.text) for c in out] == [(c.start, c.end, c.text) for c in cues]
    assert narration.relabelled(out, narration.Plan("en", clips)) is None


def test_an_extended_description_holds_the_picture_a_little_after_the_last_word():
    # "Hi there." ends at 0.58 s by the recogniser's clock, 0.67 s by the sound (decision 0342)
    words = [Word(0.06, 0.22, "Hi"), Word(0.22, 0.58, "there!")]
    assert placement.hold_point(0.0, words) == 0.73
    talk = [Word(0.0, 1.0, "one"), Word(1.4, 2.0, "two"), Word(2.05, 3.0, "three")]
    assert placement.hold_point(0.5, talk) == 1.15  # in the 0.4 s pause, not on the word's end
    assert placement.hold_point(1.2, talk) == 1.2  # already in the pause
    assert placement.hold_point(5.0, talk) == 5.0  # after the talk


def test_a_dark_picture_with_bright_specks_is_not_black_though_its_averages_are():
    black = bytes([5] * 192)
    specks = bytearray([4] * ad.POINTS * ad.POINTS)
    for k in range(0, len(specks), 37):  # about 3% of the pixels, spread over every cell
        specks[k] = 230
    plain = bytes([4] * ad.POINTS * ad.POINTS)
    thumbs = black * 8
    assert ad.fades(thumbs, fps=4, points=bytes(specks) * 4 + plain * 4) == [(1.0, "black")]
    assert ad.fades(thumbs, fps=4, points=plain * 8) == [(0.0, "black")]


def test_a_logo_in_a_corner_and_a_clock_on_the_same_row_are_two_texts():
    clock = ocr.Box("00:00:01", 0.98, 10.0, 20.0, 24.0, w=120.0)
    logo = ocr.Box("CITYTV", 0.99, 520.0, 22.0, 24.0, w=90.0)
    words = [ocr.Box("SUMMER", 0.99, 100.0, 200.0, 30.0, w=150.0), ocr.Box("SALE", 0.99, 270.0, 200.0, 30.0, w=90.0)]
    # (the clock and the title overlap horizontally: one column, read before the logo's)
    assert ocr.lines_of([clock, logo, *words]) == [("00:00:01", 0.98), ("SUMMER SALE", 0.99), ("CITYTV", 0.99)]
    # boxes without a width (an old reader) stay together
    assert ocr.lines_of([box("A", x=0.0, y=20.0), box("B", x=500.0, y=20.0)]) == [("A B", 0.99)]


def test_a_line_is_its_most_frequent_reading_while_on_screen():
    samples = [(0.0, ["CITYT"]), (1.0, ["CITYTV"]), (2.0, ["CITYTV"]), (3.0, ["CITYTV"]), (4.0, [])]
    assert ocr.stable_lines(samples) == [(0.0, ["CITYTV"])]
    assert ocr.runs("CITYTV", samples, 0.0) == 3
    assert ocr.runs("CITYTV", [(0.0, ["CITYTV"]), (1.0, ["CITYT"]), (2.0, ["CITYTV"])], 0.0) == 1


def test_text_with_no_room_in_one_description_is_said_in_the_next():
    logo = ad.event(0.0, "text", "CITYTV", "en")
    name = ad.event(1.0, "name", "Dr Maria Lopez, Head of Research", "en")
    words = [Word(3.0 + 0.5 * k, 3.4 + 0.5 * k, "word") for k in range(10)]
    out = placement.place([logo, name], placement.dialogue_gaps(words, 14.0), 14.0, ["en"], words, sentence=ad.sentence)
    assert [d.text for d in out] == [
        'The text "CITYTV" appears on the screen.',
        'The caption names "Dr Maria Lopez, Head of Research".',
    ]
    assert not any(d.extended for d in out) and out[1].start >= 7.9


def test_a_brand_needs_a_letter_no_greek_or_cyrillic_capital_looks_like_and_three_steady_samples():
    steady = [(float(t), ["CITYTV", "MOCKBA"]) for t in range(3)] + [(3.0, [])]
    assert ad.brand("CITYTV", steady, 0.0)
    assert not ad.brand("MOCKBA", steady, 0.0)  # МОСКВА read as Latin
    assert not ad.brand("CITYTV", steady[1:], 1.0)  # two samples only
    assert not ad.brand("NEWS24", [(float(t), ["NEWS24"]) for t in range(4)], 0.0)


def test_a_price_that_changes_is_a_new_text_and_an_unsure_price_needs_two_exact_readings(monkeypatch):
    samples = [
        (0.0, ["NOW ONLY 99 EUR"]),
        (1.0, ["NOW ONLY 99 EUR"]),
        (2.0, ["NOW ONLY 79 EUR"]),
        (3.0, ["NOW ONLY 79 EUR"]),
    ]
    assert ocr.stable_texts(samples) == [(0.0, "NOW ONLY 99 EUR"), (2.0, "NOW ONLY 79 EUR")]
    monkeypatch.setattr(ad.quote_language, "readable", lambda text: True)
    unsure = [[box("NOW ONLY 59 EUR", 0.87)], [box("NOW ONLY 59 EUR", 0.88)], [box("NOW ONLY 58 EUR", 0.86)], []]
    times = [0.0, 1.0, 2.0, 3.0]
    sure = [(t, ocr.legible(p)) for t, p in zip(times, unsure)]
    assert [e.value for e in ad.unsure_numbers(sure, unsure, times, [], "en")] == ["NOW ONLY 59 EUR"]
    once = [[box("NOW ONLY 59 EUR", 0.87)], [box("NOW ONLY 58 EUR", 0.88)], [], []]
    assert ad.unsure_numbers(sure, once, times, [], "en") == []
    words = [[box("HALF PRICE TODAY", 0.87)], [box("HALF PRICE TODAY", 0.87)], [], []]
    assert ad.unsure_numbers(sure, words, times, [], "en") == []  # no number: the 0.9 rule stands


def test_a_slides_bullets_and_a_lost_space_before_a_capital_are_cleaned():
    assert ocr.normalise("·Open theLisbon office") == "Open the Lisbon office"
    assert ocr.normalise("• Revenue up 12%") == "Revenue up 12%"
    assert ocr.normalise("YouTube iPhone eBay macOS") == "YouTube iPhone eBay macOS"  # brands keep their case


def test_lines_of_a_sidebar_and_a_main_pane_are_read_column_by_column():
    def b(text, x, y, w):
        return ocr.Box(text, 0.99, x, y, 16.0, w=w)

    boxes = [
        b("Inbox", 20, 60, 50),
        b("Title of the mail", 240, 60, 300),
        b("Sent", 20, 90, 40),
        b("Body", 240, 100, 40),
    ]
    assert [t for t, _ in ocr.lines_of(boxes)] == ["Inbox", "Sent", "Title of the mail", "Body"]


def test_lines_shown_together_are_joined_as_a_list():
    assert ad.joined(["Quarterly results", "Revenue up 12%", "Costs down 3%"]) == (
        "Quarterly results, Revenue up 12%, Costs down 3%"
    )
    assert ad.joined(["Please bring your reports.", "Archive"]) == "Please bring your reports. Archive"


def test_spaces_are_taken_from_another_reading_only_when_its_letters_line_up():
    assert ocr.respace("QUALITYCHECK", "QUALlTY CHECK") == "QUALITY CHECK"  # one letter read differently
    # tesseract read an "e" twice and missed one later: its spaces are shifted in between
    glued = "Theysellthebestfishinthecityhere."
    assert ocr.respace(glued, "They sell the best fish in thee cityh ere") == glued


def test_a_line_is_the_reading_whose_words_a_dictionary_knows(monkeypatch):
    known = {"They sell the best fish in the city here.": 9, "They sell the best fish in the ecityhere": 7}
    monkeypatch.setattr(ocr.quote_language, "known_words", lambda text: known[text])
    bad, good = "They sell the best fish in the ecityhere", "They sell the best fish in the city here."
    samples = [(0.0, [bad]), (1.0, [good]), (2.0, [bad]), (3.0, [])]
    assert ocr.stable_lines(samples) == [(0.0, [good])]
    assert ad.wording("subtitle", good, "en") == 'Subtitle: "They sell the best fish in the city here."'


def test_subtitle_words_run_together_around_a_full_stop_get_their_spaces(monkeypatch):
    words = {"goodmorning": "Good morning", "todaywevisitthe": "Today we visit the"}
    monkeypatch.setattr(ocr.quote_language, "split_words", lambda token: words.get(token.lower()))
    assert ocr.split_sentence_token("Goodmorning.Todaywevisitthe") == "Good morning. Today we visit the"
    assert ocr.split_sentence_token("U.S.A.") == "U.S.A."  # nothing run together
    # spacing alone does not make two readings different
    assert ocr.stable_texts([(0.0, ["Good morning"]), (1.0, ["Goodmorning"]), (2.0, [])]) == [(0.0, "Good morning")]


def test_a_description_never_starts_before_what_it_says_is_on_screen():
    long_line = ad.event(1.0, "subtitle", "Good morning. Today we visit the harbour market by the old bridge.", "en")
    later = ad.event(8.0, "subtitle", "They sell the best fish in the city here.", "en")
    words = [Word(1.0 + 0.4 * k, 1.3 + 0.4 * k, "palabra") for k in range(10)]
    words += [Word(8.2 + 0.4 * k, 8.5 + 0.4 * k, "palabra") for k in range(8)]
    words += [Word(14.0, 14.3, "fin")]
    out = placement.place(
        [long_line, later], placement.dialogue_gaps(words, 16.0), 16.0, ["en"], words, sentence=ad.sentence
    )
    for d in out:
        for part in d.parts:
            assert d.start >= part.time, (d.start, d.text)


def test_subtitles_of_the_speech_are_left_to_the_tracks_of_other_languages():
    """Decision 0371: Spanish speech with English subtitles burnt in. The Spanish (source) track
    leaves the subtitles out; the English track gets them back from the describer's record,
    alone or beside what the source track says."""
    words = [Word(0.0, 2.0, "hola"), Word(12.0, 14.0, "adiós")]
    events = [
        ad.event(2.5, "subtitle", "Good morning, friends.", "es"),
        ad.event(7.5, "card", "CHAPTER TWO", "es"),
        ad.event(7.6, "subtitle", "See you soon.", "es"),
    ]
    gaps = placement.dialogue_gaps(words, 15.0)
    placed = placement.place(events, gaps, 15.0, ["es", "en"], words, sentence=ad.sentence)
    assert len(placed) == 2
    source = ad.for_track(placed, "es", "es")
    assert [d.text for d in source] == ['Cartela: "CHAPTER TWO".']
    record = ad.record(placed, source)
    assert record[0]["text"] == "" and record[1]["text"] == source[0].text
    cues = [VttCue(d.start, d.end, d.text, f"ad-{i + 1}") for i, d in enumerate(source)]
    assert ad.own_phrases(cues, record, "en", "es") == ['Title card: "CHAPTER TWO". Subtitle: "See you soon."']
    assert [(d.start, d.text) for d in ad.not_in_source(record, "en", "es")] == [
        (placed[0].start, 'Subtitle: "Good morning, friends."')
    ]
    assert ad.not_in_source(record, "es", "es") == []
    # nothing said (a silent film): the subtitles are for every listener
    assert [d.text for d in ad.for_track(placed, "es", None)] == [ad.localized(d, "es") for d in placed]


def test_a_countdown_is_told_once_when_its_number_goes_down_by_one_on_consecutive_samples():
    """Decision 0372."""

    def page(text, conf=0.95):
        return [box(text, conf)]

    times = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    counting = [page(f"STARTING IN {n}") for n in (5, 4, 3, 2, 1)] + [[], []]
    assert ad.countdowns(counting, times) == [0.0]
    # as RapidOCR read it over a moving test pattern: spaces lost, a digit missed, a letter added
    misread = [page("STARTING IN5"), page("STARTING IN"), page("STARTING GIN3"), page("STARTING IN 2"), [], [], []]
    assert ad.countdowns(misread, times) == [0.0]
    alone = [[], page("3"), page("2"), page("1"), [], [], []]
    assert ad.countdowns(alone, times) == [1.0]
    # two steps only, a number that goes up, one that skips, a price that changes: not countdowns
    assert ad.countdowns([page("STARTING IN 2"), page("STARTING IN 1"), [], [], [], [], []], times) == []
    assert ad.countdowns([page(f"LAP {n}") for n in (1, 2, 3, 4, 5, 6, 7)], times) == []
    assert ad.countdowns([page(f"ONLY {n} LEFT") for n in (9, 7, 5, 3, 1, 0, 0)], times) == []
    assert ad.countdowns([page(f"NOW {p} EUR") for p in (99, 99, 79, 79, 59, 59, 49)], times) == []
    assert ad.countdowns([page(f"STARTING IN {n}", 0.6) for n in (5, 4, 3, 2, 1, 0, 0)], times) == []  # unsure
    e = ad.event(0.0, "countdown", "", "es")
    assert e.kind == "text" and e.text == "Aparece una cuenta atrás."
    assert ad.sentence(e, "en").text == "A countdown is on screen."


def test_a_screen_full_of_text_is_a_page_told_by_its_heading_when_one_stands_out():
    """Decision 0374."""
    inbox = ["Inbox", "Sent", "Drafts", "Mail", "Meeting moved to Thursday afternoon", "Your invoice is ready", "Lunch"]
    assert ad.is_page(inbox)
    assert not ad.is_page(["SUMMER SALE", "50% OFF"])
    assert not ad.is_page(["Our plans for 2025", "Open the Lisbon office", "Hire ten engineers"])  # a slide
    assert ad.is_page(["This is a long paragraph of text that someone put on the screen for all to read"] * 3)
    boxes = [box(t, h=18.0) for t in inbox if t != "Mail"] + [box("Mail", h=30.0)]
    assert ad.heading(inbox, boxes) == "Mail"
    assert ad.heading(inbox, [box(t, h=18.0) for t in inbox]) == ""  # nothing stands out: no guess
    assert ad.event(1.0, "page", "Mail", "es").text == 'Se muestra una pantalla llena de texto, con el título "Mail".'
    assert ad.event(1.0, "page", "", "en").text == "A screen full of text is shown."
    assert ad.event(1.0, "page", "", "en").kind == "text"  # on-screen text for the priorities


def test_a_box_at_the_side_of_its_band_runs_on_unless_the_side_is_the_frames_edge():
    import numpy as np

    def quad(x0, x1):
        return np.array([[x0, 10], [x1, 10], [x1, 30], [x0, 30]], dtype="float32")

    assert ocr.runs_on(quad(20, 299.5), 200, 500, 1280)  # cut at the band's right side
    assert ocr.runs_on(quad(0.5, 120), 200, 500, 1280)  # ... at its left side
    assert not ocr.runs_on(quad(20, 250), 200, 500, 1280)
    assert not ocr.runs_on(quad(0.5, 120), 0, 500, 1280)  # the frame's edge: ocr.cut_off decides
    assert not ocr.runs_on(quad(20, 299.5), 980, 1280, 1280)
