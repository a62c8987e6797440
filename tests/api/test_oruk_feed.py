"""Each council's Open Referral UK feed through a running server: every answer validates
against the HSDS 3.0 structs (formats included), pages walk the whole directory, filters
work, anyone may read it from any site, and a retired service leaves it at once."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

import msgspec
import pytest

from backend.signposting.oruk_schemas import ApiInfo, Export, Page, Service, Taxonomy, TaxonomyTerm
from tests.harness import Client

PORTSMOUTH, KENT, WESTMINSTER = "E06000044", "E10000016", "E09000033"
PROBLEM = "application/problem+json"
NAMESPACE = uuid.UUID("6f0b7c9e-3d0a-4c51-9d54-6a8e2f1b0c11")
TEST_URL = "https://example.org/help"


def feed(code: str, rest: str = "") -> str:
    return f"/oruk/{code}{rest}"


def published(directory_id: str) -> str:
    try:
        return str(uuid.UUID(directory_id))
    except ValueError:
        return str(uuid.uuid5(NAMESPACE, f"service/{directory_id}"))


def strict(response: Any, shape: Any) -> Any:
    """The answer decoded strictly into an HSDS 3.0 struct (formats included), after checking
    it is open to any site and has no empty fields."""
    assert response.status_code == 200, response.text
    assert response.headers["access-control-allow-origin"] == "*"
    assert "set-cookie" not in response.headers  # no session, nothing to track
    no_empty_fields(response.json())
    return msgspec.json.decode(response.content, type=shape, strict=True)


def no_empty_fields(value: Any, path: str = "$") -> None:
    """Fields empty in the directory are left out: never null, never ""."""
    if isinstance(value, dict):
        for key, item in value.items():
            assert item is not None and item != "", f"{path}.{key} is empty"
            no_empty_fields(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            no_empty_fields(item, f"{path}[{i}]")


def create(admin: Client, code: str, **fields: Any) -> dict[str, Any]:
    body = {
        "name": f"Feed test {secrets.token_hex(4)}",
        "description": "A service made by a feed test.",
        "thrive": "getting_help",
        "topics": ["sleep"],
        "min_age": 11,
        "max_age": 25,
        "url": TEST_URL,
        **fields,
    }
    r = admin.post(f"/api/v1/councils/{code}/services", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def all_pages(client: Client, code: str, **params: Any) -> list[Service]:
    """Every service of the feed, page by page, checking each page's bookkeeping."""
    out: list[Service] = []
    page = 1
    while True:
        answer = strict(client.get(feed(code, "/services"), params={**params, "page": page}), Page[Service])
        assert answer.page_number == page and answer.first_page is (page == 1)
        assert answer.size == len(answer.contents) <= int(params.get("per_page", 50))
        assert answer.total_pages == -(-answer.total_items // int(params.get("per_page", 50)))
        out += answer.contents
        if answer.last_page:
            assert page == max(answer.total_pages, 1) and len(out) == answer.total_items
            return out
        assert not answer.empty
        page += 1


def test_api_information_is_hsds_3_and_open_to_anyone(client: Client) -> None:
    info = strict(client.get(feed(PORTSMOUTH, "/")), ApiInfo)
    assert info.version == "3.0" and info.openapi_url.endswith("/schema/openapi.json")
    r = client.get(feed("E99999999", "/"))
    assert r.status_code == 404 and r.headers["content-type"].startswith(PROBLEM)
    assert r.headers["access-control-allow-origin"] == "*" and r.json()["code"] == "unknown_council"


def test_walking_every_page_gives_each_active_service_once(client: Client, staff) -> None:
    admin = staff("council_admin", WESTMINSTER)
    for _ in range(3):
        create(admin, WESTMINSTER)
    retired = create(admin, WESTMINSTER)
    assert admin.delete(f"/api/v1/councils/{WESTMINSTER}/services/{retired['id']}").status_code == 204
    listed = admin.get(f"/api/v1/councils/{WESTMINSTER}/services").json()["items"]
    active = {published(i["id"]) for i in listed if i["status"] == "active"}
    walked = all_pages(client, WESTMINSTER, per_page=4)
    ids = [s.id for s in walked]
    assert len(ids) == len(set(ids)) and set(ids) == active and len(ids) > 8
    assert published(retired["id"]) not in ids
    for service in walked:
        assert service.status == "active" and service.waymark_extensions is msgspec.UNSET  # team fields stay in
        terms = [a.taxonomy_term for a in service.attributes]
        assert [t.taxonomy for t in terms].count("thrive") == 1  # each service lists its terms
        assert all(a.taxonomy_term_id == a.taxonomy_term.id and a.link_id == service.id for a in service.attributes)
    # a page past the end is empty, and says so
    past = strict(client.get(feed(WESTMINSTER, "/services"), params={"page": 99, "per_page": 4}), Page[Service])
    assert past.empty and past.contents == [] and past.last_page and not past.first_page
    # the default page is 50 services
    first = strict(client.get(feed(WESTMINSTER, "/services")), Page[Service])
    assert first.page_number == 1 and first.size == min(50, first.total_items)


def test_each_service_can_be_read_by_its_uuid_and_other_councils_are_404(client: Client, staff) -> None:
    kooth = strict(client.get(feed(PORTSMOUTH, f"/services/{published('portsmouth-kooth')}")), Service)
    assert kooth.name == "Kooth" and uuid.UUID(kooth.id).version == 5
    assert strict(client.get(feed(PORTSMOUTH, "/services/portsmouth-kooth")), Service).id == kooth.id
    again = strict(client.get(feed(PORTSMOUTH, f"/services/{published('portsmouth-kooth')}")), Service)
    assert again == kooth  # stable
    for path in (
        feed(KENT, f"/services/{published('portsmouth-kooth')}"),  # another council's
        feed(PORTSMOUTH, f"/services/{published('national-childline')}"),  # national: not the council's
        feed(PORTSMOUTH, f"/services/{uuid.uuid4()}"),
        feed(PORTSMOUTH, "/services/not-a-service"),
    ):
        r = client.get(path)
        assert r.status_code == 404 and r.headers["access-control-allow-origin"] == "*", path
        assert r.headers["content-type"].startswith(PROBLEM)


def test_filters_search_taxonomy_term_and_overlapping_ages(client: Client, staff) -> None:
    admin = staff("council_admin", KENT)
    tag = f"zq{secrets.token_hex(3)}"
    young = create(admin, KENT, name=f"Young {tag}", min_age=11, max_age=13, topics=["grief"])
    middle = create(admin, KENT, name=f"Middle {tag}", min_age=16, max_age=18, topics=["sleep"])
    older = create(admin, KENT, description=f"For older ones ({tag}).", min_age=20, max_age=25, topics=["grief"])

    def ids(**params: Any) -> set[str]:
        return {s.id for s in all_pages(client, KENT, search=tag, per_page=2, **params)}

    assert ids() == {published(s["id"]) for s in (young, middle, older)}
    assert ids(minimum_age=14, maximum_age=17) == {published(middle["id"])}
    assert ids(minimum_age=13) == {published(s["id"]) for s in (young, middle, older)}
    assert ids(maximum_age=12) == {published(young["id"])}
    assert ids(minimum_age=26) == set()
    terms = strict(client.get(feed(KENT, "/taxonomy_terms"), params={"per_page": 200}), Page[TaxonomyTerm])
    grief = next(t for t in terms.contents if t.taxonomy == "waymark-topics" and t.code == "grief")
    assert ids(taxonomy_term_id=grief.id) == {published(young["id"]), published(older["id"])}
    assert strict(client.get(feed(KENT, "/services"), params={"search": f"{tag} nothingelse"}), Page[Service]).empty
    for params in ({"page": "0"}, {"page": "x"}, {"per_page": "1000"}, {"minimum_age": "-1"},
                   {"maximum_age": "old"}, {"taxonomy_term_id": "grief"}):
        r = client.get(feed(KENT, "/services"), params=params)
        assert r.status_code == 400 and r.headers["access-control-allow-origin"] == "*", params
        assert r.headers["content-type"].startswith(PROBLEM) and r.json()["detail"]


def test_digits_that_are_not_ascii_answer_400_not_500(client: Client) -> None:
    """str.isdigit() says yes to "²" and "٣", but int() refuses the first: only 0-9 count."""
    for params in ({"page": "²"}, {"per_page": "٣"}, {"page": "1²"}, {"minimum_age": "１３"}):
        r = client.get(feed(KENT, "/services"), params=params)
        assert r.status_code == 400, (params, r.status_code, r.text)
        assert r.headers["content-type"].startswith(PROBLEM) and r.headers["access-control-allow-origin"] == "*"
        problem = r.json()
        assert problem["status"] == 400 and problem["code"] == "bad_parameter" and "whole number" in problem["detail"]


def test_taxonomies_and_terms(client: Client) -> None:
    taxonomies = strict(client.get(feed(PORTSMOUTH, "/taxonomies")), Page[Taxonomy])
    assert taxonomies.total_items == 3 and {t.name for t in taxonomies.contents} >= {"THRIVE Framework"}
    for taxonomy in taxonomies.contents:
        assert strict(client.get(feed(PORTSMOUTH, f"/taxonomies/{taxonomy.id}")), Taxonomy) == taxonomy
        terms = strict(client.get(feed(PORTSMOUTH, "/taxonomy_terms"), params={"taxonomy_id": taxonomy.id}),
                       Page[TaxonomyTerm])
        assert terms.total_items and all(t.taxonomy_id == taxonomy.id for t in terms.contents)
    thrive = strict(client.get(feed(PORTSMOUTH, "/taxonomy_terms"), params={"search": "getting risk"}),
                    Page[TaxonomyTerm])
    assert [t.code for t in thrive.contents] == ["getting_risk_support"]
    one = thrive.contents[0]
    assert strict(client.get(feed(PORTSMOUTH, f"/taxonomy_terms/{one.id}")), TaxonomyTerm) == one
    for path in ("/taxonomies/nope", f"/taxonomy_terms/{uuid.uuid4()}"):
        r = client.get(feed(PORTSMOUTH, path))
        assert r.status_code == 404 and r.headers["access-control-allow-origin"] == "*"


def test_a_retired_service_leaves_the_feed_at_once(client: Client, staff) -> None:
    admin = staff("council_admin", PORTSMOUTH)
    svc = create(admin, PORTSMOUTH, name=f"Soon retired {secrets.token_hex(3)}")
    url = feed(PORTSMOUTH, f"/services/{published(svc['id'])}")
    assert strict(client.get(url), Service).name == svc["name"]
    assert published(svc["id"]) in {s.id for s in all_pages(client, PORTSMOUTH)}  # now cached
    assert admin.delete(f"/api/v1/councils/{PORTSMOUTH}/services/{svc['id']}").status_code == 204
    assert client.get(url).status_code == 404
    assert published(svc["id"]) not in {s.id for s in all_pages(client, PORTSMOUTH)}
    # an edit shows at once too
    other = create(admin, PORTSMOUTH)
    strict(client.get(feed(PORTSMOUTH, f"/services/{published(other['id'])}")), Service)
    r = admin.put(f"/api/v1/councils/{PORTSMOUTH}/services/{other['id']}", json={**other, "name": "Renamed now"})
    assert r.status_code == 200
    assert strict(client.get(feed(PORTSMOUTH, f"/services/{published(other['id'])}")), Service).name == "Renamed now"


def test_the_export_uses_the_same_shapes_and_ids_as_the_feed(client: Client, staff) -> None:
    admin = staff("council_admin", WESTMINSTER)
    r = admin.get(f"/api/v1/councils/{WESTMINSTER}/services/export")
    exported = msgspec.json.decode(r.content, type=Export, strict=True)
    no_empty_fields(r.json()["services"])
    in_feed = {s.id: s for s in all_pages(client, WESTMINSTER)}
    for service in exported.services:
        if service.status == "active":
            assert in_feed[service.id].name == service.name
            assert service.waymark_extensions is not msgspec.UNSET


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_feed_is_read_only(client: Client, method: str) -> None:
    r = client.http.request(method.upper(), feed(PORTSMOUTH, "/services"))
    assert r.status_code in (403, 405)


def test_pages_travel_compressed_once_and_decode_to_the_same_json(client: Client) -> None:
    path = feed(WESTMINSTER, "/services")
    plain = client.get(path, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and "Accept-Encoding" in plain.headers["vary"]
    for encoding in ("br", "gzip"):
        r = client.get(path, headers={"Accept-Encoding": encoding})
        assert r.headers["content-encoding"] == encoding and r.headers["access-control-allow-origin"] == "*"
        assert r.json() == plain.json()  # decoded once: never compressed twice
        assert int(r.headers["content-length"]) < len(plain.content) / 4
