from shared.media import glossary as gl
from shared.media.glossary import source_terms
from shared.media.types import GlossaryTerm

DOC = {
    "terms": [
        {"id": "t1", "source": "factory", "target_language": "es", "target": "planta", "case_sensitive": False},
        {"id": "t2", "source": "Acme", "target_language": "es", "target": "ACME", "case_sensitive": True},
        {"id": "t3", "source": "widget", "target_language": "es", "target": "artilugio"},
        {"id": "t4", "source": "team", "target_language": "ca", "target": "equip"},
    ]
}
WORDS = {
    "the": "la",
    "factory": "fábrica",
    "is": "es",
    "big": "grande",
    "welcome": "bienvenido",
    "to": "a",
    "acme": "acme",
    "widget": "cosa",
    "a": "una",
    "text": "texto",
    "appears": "aparece",
}


class DictionaryTranslator:
    """A word-for-word fake that keeps bracketed placeholders, like Apertium does."""

    def __init__(self, drop_placeholders: bool = False):
        self.calls = []
        self.drop = drop_placeholders

    def translate(self, texts, source, target, glossary=None):
        self.calls.append(list(texts))
        out = []
        for text in texts:
            words = []
            for w in text.split():
                core = w.strip(".,")
                if core.startswith("[") and core.endswith("]"):
                    if not self.drop:
                        words.append(w)
                    continue
                tr = WORDS.get(core.lower(), core)
                if core[:1].isupper():
                    tr = tr[:1].upper() + tr[1:]
                words.append(tr + w[len(core) :] if w.startswith(core) else tr)
            out.append(" ".join(words))
        return out


def test_terms_for_filters_by_target_language_longest_first():
    terms = gl.terms_for(DOC, "es-ES")
    assert [t.source for t in terms] == ["factory", "widget", "Acme"]
    assert terms[2].case_sensitive is True


def test_engine_translation_of_term_is_replaced_by_target():
    r = gl.translate_enforced(DictionaryTranslator(), ["The factory is big."], "en", "es", gl.terms_for(DOC, "es"))
    assert r.texts == ["La planta es grande."]
    assert r.enforced == [{"cue": 1, "term_id": "t1", "source": "factory", "target": "planta"}]
    assert r.unenforced == []


def test_placeholder_pass_when_engine_translation_is_not_found():
    terms = [GlossaryTerm(source="Acme", target="ACME", target_language="es", case_sensitive=True, id="t2")]
    fake = DictionaryTranslator()
    r = gl.translate_enforced(fake, ["Welcome to Acme."], "en", "es", terms)
    assert "ACME" in r.texts[0] and r.unenforced == []
    assert any("[G0]" in t for call in fake.calls for t in call)


def test_case_sensitive_term_not_matched_in_other_case():
    terms = [GlossaryTerm(source="Acme", target="ACME", target_language="es", case_sensitive=True)]
    r = gl.translate_enforced(DictionaryTranslator(), ["welcome to acme."], "en", "es", terms)
    assert r.enforced == [] and r.unenforced == []


def test_unenforceable_term_is_reported():
    terms = [GlossaryTerm(source="Acme", target="ACME", target_language="es", case_sensitive=True, id="t2")]
    r = gl.translate_enforced(DictionaryTranslator(drop_placeholders=True), ["Welcome to Acme."], "en", "es", terms)
    assert r.unenforced and r.unenforced[0]["term_id"] == "t2" and r.unenforced[0]["cue"] == 1
    assert "reason" in r.unenforced[0]


def test_quoted_on_screen_text_stays_verbatim():
    r = gl.translate_enforced(
        DictionaryTranslator(), ['The text "THE FACTORY" appears.'], "en", "es", gl.terms_for(DOC, "es")
    )
    assert r.texts == ['La texto "THE FACTORY" aparece.']
    assert r.enforced == [] and r.unenforced == []


def test_protect_and_restore_round_trip():
    terms = gl.terms_for(DOC, "es")
    text, mapping = gl.protect("A widget in the factory.", terms)
    assert "widget" not in text and "factory" not in text
    assert gl.restore(text, mapping) == "A artilugio in the planta."


def test_source_terms_are_the_distinct_glossary_sources():
    doc = {
        "terms": [
            {"source": "Zentrix", "target_language": "es", "target": "Zentrix"},
            {"source": "zentrix", "target_language": "ca", "target": "Zentrix"},
            {"source": " widget  factory ", "target_language": "es", "target": "planta"},
            {"source": "", "target_language": "es", "target": "x"},
        ]
    }
    assert source_terms(doc) == ["Zentrix", "widget factory"]
    assert source_terms(None) == []
