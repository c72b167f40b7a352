"""Glossaries over the real local app: org scoping, ADMIN writes, terms, duplicates, default."""

import pytest

G = "/api/v1/glossaries"


@pytest.fixture
def world(users):
    org, other = users.org("Acme"), users.org("Other")
    return {
        "org": org,
        "other": other,
        "admin": users.user("ADMIN"),
        "pm": users.user("PM", org),
        "client": users.user("CLIENT", org),
        "linguist": users.user("LINGUIST", org),
        "other_client": users.user("CLIENT", other),
    }


def create(client, world, **kw):
    body = {"org_id": world["org"], "name": "Brand terms", "source_language": "en", **kw}
    return client.post(G, json=body, headers=world["admin"]["headers"])


def test_admin_creates_org_members_read_others_do_not(client, world, platform):
    r = create(
        client,
        world,
        description="Product names",
        terms=[{"source": "Widget Pro", "target_language": "es", "target": "Widget Pro", "case_sensitive": True}],
    )
    assert r.status_code == 201, r.get_json()
    g = r.get_json()
    assert g["org_id"] == world["org"] and g["terms"][0]["id"] and g["terms"][0]["note"] is None
    stored = platform.documents.get("glossaries", g["id"])
    assert set(stored) >= {
        "org_id",
        "name",
        "description",
        "source_language",
        "is_default",
        "terms",
        "created_at",
        "updated_at",
    }
    assert set(stored["terms"][0]) == {"id", "source", "target_language", "target", "case_sensitive", "note"}
    for who in ("pm", "client", "linguist"):
        assert client.get(f"{G}/{g['id']}", headers=world[who]["headers"]).status_code == 200
        listed = client.get(G, headers=world[who]["headers"]).get_json()["items"]
        assert [x["id"] for x in listed] == [g["id"]] and listed[0]["term_count"] == 1
    assert client.get(f"{G}/{g['id']}", headers=world["other_client"]["headers"]).status_code == 404
    assert client.get(G, headers=world["other_client"]["headers"]).get_json()["items"] == []
    assert client.get(f"{G}?org_id={world['org']}", headers=world["other_client"]["headers"]).status_code == 404
    assert (
        client.get(f"{G}?org_id={world['org']}", headers=world["admin"]["headers"]).get_json()["items"][0]["id"]
        == g["id"]
    )
    assert client.get(G, headers=world["admin"]["headers"]).status_code == 400  # admin names the org


def test_only_admin_writes(client, world):
    gid = create(client, world).get_json()["id"]
    h = world["pm"]["headers"]
    assert client.post(G, json={"org_id": world["org"], "name": "x"}, headers=h).status_code == 403
    assert client.put(f"{G}/{gid}", json={"name": "y"}, headers=h).status_code == 403
    assert (
        client.post(
            f"{G}/{gid}/terms", json={"source": "a", "target_language": "es", "target": "b"}, headers=h
        ).status_code
        == 403
    )
    assert client.delete(f"{G}/{gid}", headers=h).status_code == 403


def test_create_needs_an_existing_org_and_valid_terms(client, world):
    r = client.post(G, json={"name": "x"}, headers=world["admin"]["headers"])
    assert r.status_code == 422 and "org_id" in r.get_json()["detail"]
    assert create(client, world, org_id="0" * 24).status_code == 404
    assert (
        create(client, world, terms=[{"source": "a", "target_language": "español", "target": "b"}]).status_code == 422
    )
    dup = [
        {"source": "Cloud", "target_language": "es", "target": "Nube"},
        {"source": "cloud", "target_language": "es", "target": "nube"},
    ]
    assert create(client, world, terms=dup).status_code == 409


def test_terms_add_duplicates_delete(client, world):
    gid = create(client, world).get_json()["id"]
    h = world["admin"]["headers"]
    term = {"source": "Sign in", "target_language": "es", "target": "Iniciar sesión", "note": "UI verb"}
    r = client.post(f"{G}/{gid}/terms", json=term, headers=h)
    assert r.status_code == 201
    tid = r.get_json()["added_term_id"]
    assert r.get_json()["terms"][0]["note"] == "UI verb"
    r = client.post(f"{G}/{gid}/terms", json={**term, "source": "sign  IN"}, headers=h)
    assert r.status_code == 409 and "Duplicate" in r.get_json()["detail"]
    assert client.post(f"{G}/{gid}/terms", json={**term, "target_language": "ca"}, headers=h).status_code == 201
    # case-sensitive terms differing in case are distinct
    cs = {"source": "May", "target_language": "de", "target": "Mai", "case_sensitive": True}
    assert client.post(f"{G}/{gid}/terms", json=cs, headers=h).status_code == 201
    assert client.post(f"{G}/{gid}/terms", json={**cs, "source": "may", "target": "darf"}, headers=h).status_code == 201
    assert client.post(f"{G}/{gid}/terms", json=cs, headers=h).status_code == 409
    assert client.delete(f"{G}/{gid}/terms/{tid}", headers=h).status_code == 204
    assert client.delete(f"{G}/{gid}/terms/{tid}", headers=h).status_code == 404
    sources = [t["source"] for t in client.get(f"{G}/{gid}", headers=h).get_json()["terms"]]
    assert sources == ["Sign in", "May", "may"]


def test_one_default_per_org_update_and_delete(client, world):
    h = world["admin"]["headers"]
    a = create(client, world, name="A", is_default=True).get_json()["id"]
    b = create(client, world, name="B", is_default=True).get_json()["id"]
    items = {x["id"]: x for x in client.get(f"{G}?org_id={world['org']}", headers=h).get_json()["items"]}
    assert items[a]["is_default"] is False and items[b]["is_default"] is True
    r = client.put(f"{G}/{a}", json={"is_default": True, "description": "now default"}, headers=h)
    assert r.status_code == 200 and r.get_json()["description"] == "now default"
    items = {x["id"]: x for x in client.get(f"{G}?org_id={world['org']}", headers=h).get_json()["items"]}
    assert items[a]["is_default"] is True and items[b]["is_default"] is False
    assert client.put(f"{G}/{a}", json={"org_id": world["other"]}, headers=h).status_code == 422
    assert client.delete(f"{G}/{a}", headers=h).status_code == 204
    assert client.get(f"{G}/{a}", headers=h).status_code == 404
