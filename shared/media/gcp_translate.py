"""Cloud Translation v3 with glossary resources (gcp backend).

A job's glossary terms for one target language become a Translation glossary resource (an
equivalent-terms-set CSV in the uploads bucket), named by a hash of its content so an unchanged
glossary is created once and reused. shared.media.glossary still verifies and enforces every
term afterwards.
"""

from __future__ import annotations

import csv
import hashlib
import io

from shared.media.types import GlossaryTerm

BATCH = 100  # texts per request (the API limit is 1024 segments / 30k code points)


def glossary_id(source: str, target: str, terms: list[GlossaryTerm]) -> str:
    body = "|".join(f"{t.source}\t{t.target}" for t in sorted(terms, key=lambda t: t.source))
    return f"avp-{source}-{target}-{hashlib.sha256(body.encode()).hexdigest()[:16]}"


def glossary_csv(source: str, target: str, terms: list[GlossaryTerm]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([source, target])
    for t in terms:
        writer.writerow([t.source, t.target])
    return buf.getvalue()


def glossary_resource(parent: str, gid: str, source: str, target: str, gcs_uri: str):
    from google.cloud import translate_v3 as tr

    return tr.Glossary(
        name=f"{parent}/glossaries/{gid}",
        language_codes_set=tr.Glossary.LanguageCodesSet(language_codes=[source, target]),
        input_config=tr.GlossaryInputConfig(gcs_source=tr.GcsSource(input_uri=gcs_uri)),
    )


def translate_request(parent: str, texts: list[str], source: str, target: str, glossary_name: str | None):
    from google.cloud import translate_v3 as tr

    kwargs = {}
    if glossary_name:
        kwargs["glossary_config"] = tr.TranslateTextGlossaryConfig(glossary=glossary_name, ignore_case=False)
    return tr.TranslateTextRequest(
        parent=parent,
        contents=texts,
        mime_type="text/plain",
        source_language_code=source,
        target_language_code=target,
        **kwargs,
    )


def texts_from_response(response, with_glossary: bool) -> list[str]:
    items = (
        response.glossary_translations if with_glossary and response.glossary_translations else response.translations
    )
    return [t.translated_text for t in items]


class CloudTranslator:
    def __init__(self, project: str, location: str = "us-central1", bucket: str = ""):
        self.project = project
        self.location = location
        self.bucket = bucket
        self._client = None
        self._ready: set[str] = set()

    @classmethod
    def from_settings(cls, cfg) -> CloudTranslator:
        return cls(
            project=cfg.gcp_project,
            location=cfg.extra.get("translate_location", "us-central1"),
            bucket=cfg.uploads_bucket,
        )

    @property
    def parent(self) -> str:
        return f"projects/{self.project}/locations/{self.location}"

    @property
    def client(self):
        if self._client is None:
            from google.cloud import translate_v3

            self._client = translate_v3.TranslationServiceClient()
        return self._client

    def ensure_glossary(self, source: str, target: str, terms: list[GlossaryTerm]) -> str:
        from google.api_core import exceptions

        gid = glossary_id(source, target, terms)
        name = f"{self.parent}/glossaries/{gid}"
        if name in self._ready:
            return name
        try:
            self.client.get_glossary(name=name)
        except exceptions.NotFound:
            from google.cloud import storage  # type: ignore[attr-defined]  # namespace package, no stubs

            blob_name = f"glossaries/{gid}.csv"
            storage.Client(project=self.project).bucket(self.bucket).blob(blob_name).upload_from_string(
                glossary_csv(source, target, terms), content_type="text/csv"
            )
            op = self.client.create_glossary(
                parent=self.parent,
                glossary=glossary_resource(self.parent, gid, source, target, f"gs://{self.bucket}/{blob_name}"),
            )
            op.result(timeout=300)
        self._ready.add(name)
        return name

    def translate(
        self, texts: list[str], source: str, target: str, glossary: list[GlossaryTerm] | None = None
    ) -> list[str]:
        name = self.ensure_glossary(source, target, glossary) if glossary else None
        out: list[str] = []
        for i in range(0, len(texts), BATCH):
            chunk = texts[i : i + BATCH]
            response = self.client.translate_text(request=translate_request(self.parent, chunk, source, target, name))
            out += texts_from_response(response, bool(name))
        return out
