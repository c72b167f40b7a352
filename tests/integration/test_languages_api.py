"""GET /api/v1/languages against the installed Apertium pairs: what the create-job form offers is
exactly what job creation accepts."""

from shared.media.languages import supported_targets


def test_languages_lists_sources_and_the_targets_of_one_source(client, users):
    user = users.user("CLIENT", users.org())
    r = client.get("/api/v1/languages?source=en", headers=user["headers"])
    assert r.status_code == 200
    body = r.get_json()
    assert body["source"] == "en"
    assert body["targets"] == supported_targets("en")
    assert "en" in body["targets"] and "en" in body["sources"]
    for src in body["sources"]:
        assert src == "en" or len(supported_targets(src)) > 1


def test_languages_normalises_the_source_and_needs_a_token(client, users):
    user = users.user("LINGUIST", users.org())
    assert client.get("/api/v1/languages?source=ES-es", headers=user["headers"]).get_json()["source"] == "es"
    assert client.get("/api/v1/languages").status_code == 401
