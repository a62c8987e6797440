"""Local signposting through the HTTP layer of a running server on a real PostgreSQL:
services for young people and counsellors, crisis lines, click counts, each council's
directory (create, replace, retire, ORUK import and export) and the seed content."""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
import uuid
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from tests.harness import ROOT, Client, waymark_cli

PROBLEM = "application/problem+json"
LONDON = ZoneInfo("Europe/London")
PORTSMOUTH, KENT, RBKC, WESTMINSTER = "E06000044", "E10000016", "E09000020", "E09000033"
ALL_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
NATIONAL_NUMBERS = {"0800 1111", "85258", "116 123", "111", "999"}  # the product owner's list
CONTENT = ROOT / "content"
# Ofcom's numbers for drama (never a real line) for services made in tests.
TEST_PHONE = "01632 960 001"
WAYMARK_NAMESPACE = uuid.UUID("6f0b7c9e-3d0a-4c51-9d54-6a8e2f1b0c11")  # backend.signposting.taxonomy


def unique(prefix: str = "Service") -> str:
    return f"{prefix} {secrets.token_hex(4)}"


def service_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": unique(),
        "description": "A test service.",
        "thrive": "getting_help",
        "topics": ["anxiety"],
        "min_age": 11,
        "max_age": 25,
        "self_referral": True,
        "url": "https://example.org/test-service",  # a way to contact it: without one it is never shown
    }
    body.update(overrides)
    return body


def year_for_age(age: int) -> int:
    return dt.datetime.now(LONDON).year - age  # with birth_month 1 the birthday is always reached


def admin_url(code: str, rest: str = "") -> str:
    return f"/api/v1/councils/{code}/services{rest}"


def create(admin: Client, code: str = PORTSMOUTH, **overrides: Any) -> dict[str, Any]:
    r = admin.post(admin_url(code), json=service_body(**overrides))
    assert r.status_code == 201, r.text
    return r.json()


def ids(answer: dict[str, Any]) -> list[str]:
    return [item["id"] for item in answer["items"]]


def content_ids() -> set[str]:
    out = {s["id"] for s in yaml.safe_load((CONTENT / "national-services.yaml").read_text())}
    for path in (CONTENT / "services").glob("*.yaml"):
        out |= {s["id"] for s in yaml.safe_load(path.read_text())}
    return out


def now_local() -> dt.datetime:
    now = dt.datetime.now(LONDON)
    if now.hour == 23 and now.minute >= 58:  # don't let a test straddle midnight
        import time

        time.sleep((60 - now.second) + 60 * (59 - now.minute) + 2)
        now = dt.datetime.now(LONDON)
    return now


# --- crisis lines --------------------------------------------------------------------------


def test_crisis_lines_for_anyone_are_the_national_ones_in_order(client: Client) -> None:
    r = client.get("/api/v1/crisis-lines")
    assert r.status_code == 200
    lines = r.json()
    names = [line["name"] for line in lines]
    assert names[:5] == [
        "Childline",
        "Shout",
        "Samaritans",
        "NHS 111 (mental health option)",
        "Emergency services (999)",
    ]
    for line in lines:
        assert {"name", "hours", "description"} <= set(line)
        assert line.get("phone") or line.get("sms") or line.get("url"), line  # something to tap
        assert set(line) <= {"name", "phone", "sms", "url", "hours", "description", "national"}
        assert line["national"] is True
    by_name = {line["name"]: line for line in lines}
    # Papyrus HOPELINE247's own pages give its number (not its hours): listed, with no hours claimed
    assert by_name["Papyrus HOPELINE247"]["phone"] == "0800 068 4141" and by_name["Papyrus HOPELINE247"]["hours"] is None
    assert by_name["Childline"]["phone"] == "0800 1111" and by_name["Shout"]["sms"] == "85258"
    assert "phone" not in by_name["Shout"]  # not known: left out, never guessed


def test_crisis_lines_for_a_westminster_young_person_leave_out_the_withheld_cnwl_line(
    young_person, client
) -> None:
    anonymous = client.get("/api/v1/crisis-lines").json()
    for code in (WESTMINSTER, RBKC):
        yp = young_person(council_code=code, birth_year=year_for_age(14), birth_month=1)
        r = yp.get("/api/v1/crisis-lines")
        assert r.status_code == 200
        assert not any("CNWL" in line["name"] for line in r.json())  # its phone is withheld until verified
        assert r.json() == anonymous  # no council line with something to tap: the national ones
        assert "023 465" not in r.text


def test_crisis_lines_put_the_councils_own_first_and_drop_lines_with_nothing_to_tap() -> None:
    """The ordering rule (no seeded council line has a number yet, so checked on the function)."""
    from backend.signposting.services import order_crisis_lines

    council = [
        {"name": "Local line", "phone": TEST_PHONE, "hours": "24 hours", "description": "Local."},
        {"name": "Withheld", "phone": None, "sms": None, "url": None, "hours": None, "description": "x"},
    ]
    national = [
        {"name": "Childline", "phone": "0800 1111", "hours": "24 hours", "description": "d"},
        {"name": "Nothing", "hours": None, "description": "d"},
    ]
    lines = order_crisis_lines(council, national)
    assert [line.name for line in lines] == ["Local line", "Childline"]
    assert lines[0].national is False and lines[1].national is True


def test_crisis_lines_never_show_a_number_that_is_not_in_the_sources(client, young_person) -> None:
    content_text = "\n".join(p.read_text() for p in CONTENT.rglob("*.yaml"))
    answers = [client.get("/api/v1/crisis-lines").json()]
    for code in (PORTSMOUTH, KENT, RBKC, WESTMINSTER):
        answers.append(
            young_person(council_code=code, birth_year=year_for_age(14), birth_month=1)
            .get("/api/v1/crisis-lines")
            .json()
        )
    for lines in answers:
        for line in lines:
            for key in ("phone", "sms"):
                if line.get(key):
                    assert line[key] in NATIONAL_NUMBERS or f'"{line[key]}"' in content_text, line


# --- services for young people and counsellors --------------------------------------------------


def test_services_need_a_young_person_or_a_counsellor(client: Client, staff) -> None:
    r = client.get("/api/v1/services")
    assert r.status_code == 401 and r.headers["content-type"].startswith(PROBLEM)
    for role, council in (("moderator", None), ("council_admin", PORTSMOUTH), ("admin", None)):
        r = staff(role, council).get("/api/v1/services")
        assert r.status_code == 403, role
        assert r.headers["content-type"].startswith(PROBLEM)


def test_a_young_person_sees_their_councils_services_then_national_ones(young_person) -> None:
    yp = young_person(council_code=PORTSMOUTH, birth_year=year_for_age(13), birth_month=1)
    r = yp.get("/api/v1/services")
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"items", "total"} and body["total"] == len(body["items"])
    got = ids(body)
    assert "portsmouth-kooth" in got and "national-childline" in got
    assert not any(i.startswith(("kent-", "westminster-", "rbkc-")) for i in got)  # other councils' stay out
    for item in body["items"]:
        assert {
            "id",
            "name",
            "description",
            "thrive",
            "topics",
            "min_age",
            "max_age",
            "self_referral",
            "open_now",
            "national",
        } <= set(item)
        assert item["min_age"] <= 13 <= item["max_age"]
        assert item["national"] is (item["council_code"] is None)
        for key in ("phone", "email", "url", "sms"):
            assert item.get(key, "x") is not None  # left out when unknown, never null
    flags = [item["national"] for item in body["items"]]
    assert flags == sorted(flags)  # every local one before every national one
    kooth = next(i for i in body["items"] if i["id"] == "portsmouth-kooth")
    assert kooth["open_now"] is True and kooth["national"] is False and kooth["self_referral"] is True


def test_services_fit_the_young_persons_age(young_person, staff) -> None:
    admin = staff("council_admin", PORTSMOUTH)
    older = create(admin, name=unique("Leaving care team"), min_age=18, max_age=25)
    younger = create(admin, name=unique("Year 7 group"), min_age=11, max_age=16)
    care_leaver = young_person(
        council_code=PORTSMOUTH,
        birth_year=year_for_age(20),
        birth_month=1,
        extended_eligibility="care_leaver",
    )
    got = ids(care_leaver.get("/api/v1/services").json())
    assert older["id"] in got and younger["id"] not in got
    assert "portsmouth-kooth" in got  # Kooth reaches 25 for care leavers (extended_max_age)
    assert "national-childline" not in got  # Childline is for under-19s
    thirteen = young_person(council_code=PORTSMOUTH, birth_year=year_for_age(13), birth_month=1)
    got = ids(thirteen.get("/api/v1/services").json())
    assert younger["id"] in got and older["id"] not in got


def test_open_now_follows_the_schedules_in_london_time(young_person, staff) -> None:
    admin = staff("council_admin", PORTSMOUTH)
    now = now_local()
    today = ALL_DAYS[now.weekday()]
    minute = now.hour * 60 + now.minute
    opens = max(0, minute - 120)
    closes = min(24 * 60, minute + 120)
    fmt = lambda m: f"{m // 60:02d}:{m % 60:02d}"  # noqa: E731
    topic = "sleep"
    open_svc = create(
        admin,
        name=unique("Open now"),
        topics=[topic],
        schedules=[{"days": [today], "opens_at": fmt(opens), "closes_at": fmt(closes)}],
    )
    closed_svc = create(
        admin,
        name=unique("Closed today"),
        topics=[topic],
        schedules=[{"days": [d for d in ALL_DAYS if d != today], "opens_at": "00:00", "closes_at": "24:00"}],
    )
    always = create(
        admin,
        name=unique("Always open"),
        topics=[topic],
        schedules=[{"days": ALL_DAYS, "opens_at": "00:00", "closes_at": "24:00"}],
    )
    no_hours = create(admin, name=unique("No hours given"), topics=[topic])
    no_hours_no_site = create(admin, name=unique("No hours, a phone"), topics=[topic], url=None, phone=TEST_PHONE)
    yp = young_person(council_code=PORTSMOUTH, birth_year=year_for_age(15), birth_month=1)
    items = {i["id"]: i for i in yp.get("/api/v1/services", params={"topic": topic}).json()["items"]}
    assert items[open_svc["id"]]["open_now"] is True
    assert items[closed_svc["id"]]["open_now"] is False
    assert items[always["id"]]["open_now"] is True
    # hours not known: never "closed now", but "check their website for times"
    assert items[no_hours["id"]]["open_now"] is None
    assert items[no_hours["id"]]["hours_note"] == "Check their website for times."
    assert items[no_hours_no_site["id"]]["open_now"] is None and items[no_hours_no_site["id"]]["hours_note"]
    assert "hours_note" not in items[open_svc["id"]] and "hours_note" not in items[closed_svc["id"]]
    # open ones first within each group, then unknown hours, then closed ones
    rank = {True: 0, None: 1, False: 2}
    answer = yp.get("/api/v1/services").json()["items"]
    local = [rank[i["open_now"]] for i in answer if not i["national"]]
    national = [rank[i["open_now"]] for i in answer if i["national"]]
    assert local == sorted(local) and national == sorted(national)
    # open_now=true keeps only the open ones
    only_open = ids(yp.get("/api/v1/services", params={"topic": topic, "open_now": "true"}).json())
    assert open_svc["id"] in only_open and always["id"] in only_open
    assert closed_svc["id"] not in only_open and no_hours["id"] not in only_open
    assert all(i["open_now"] for i in yp.get("/api/v1/services", params={"open_now": "true"}).json()["items"])


def test_national_24_7_lines_are_open_and_999_is_never_shown_closed(staff) -> None:
    counsellor = staff("counsellor")
    items = {i["id"]: i for i in counsellor.get("/api/v1/services").json()["items"]}
    for sid in (
        "national-childline",
        "national-shout",
        "national-samaritans",
        "national-nhs-111",
        "national-emergency-999",
    ):
        assert items[sid]["open_now"] is True, sid
    # no hours on their own pages: neither open nor closed, and the young person is told what to do
    for sid in ("national-the-mix", "national-papyrus-hopeline247", "national-switchboard"):
        assert items[sid]["open_now"] is None and items[sid]["hours_note"] == "Check their website for times.", sid


def test_topic_and_thrive_filters(young_person, staff) -> None:
    admin = staff("council_admin", PORTSMOUTH)
    grief = create(admin, name=unique("Grief group"), topics=["grief"], thrive="getting_more_help")
    yp = young_person(council_code=PORTSMOUTH, birth_year=year_for_age(15), birth_month=1)
    by_topic = yp.get("/api/v1/services", params={"topic": "grief"}).json()["items"]
    assert grief["id"] in [i["id"] for i in by_topic] and all("grief" in i["topics"] for i in by_topic)
    by_thrive = yp.get("/api/v1/services", params={"thrive": "getting_more_help"}).json()["items"]
    assert grief["id"] in [i["id"] for i in by_thrive]
    assert all(i["thrive"] == "getting_more_help" for i in by_thrive)
    assert yp.get("/api/v1/services", params={"topic": "", "thrive": ""}).status_code == 200
    for params in ({"topic": "not-a-topic"}, {"thrive": "fine"}, {"topic": "x" * 500}):
        r = yp.get("/api/v1/services", params=params)
        assert r.status_code == 400 and r.headers["content-type"].startswith(PROBLEM), params


def test_counsellors_see_national_services_or_a_councils_for_an_age(staff) -> None:
    admin = staff("council_admin", PORTSMOUTH)
    teen = create(admin, name=unique("Teen drop-in"), min_age=13, max_age=15)
    counsellor = staff("counsellor")
    national_only = counsellor.get("/api/v1/services").json()["items"]
    assert national_only and all(i["national"] for i in national_only)
    got = ids(counsellor.get("/api/v1/services", params={"council": PORTSMOUTH, "age": 14}).json())
    assert teen["id"] in got and "portsmouth-kooth" in got and "national-samaritans" in got
    assert teen["id"] not in ids(
        counsellor.get("/api/v1/services", params={"council": PORTSMOUTH, "age": 17}).json()
    )
    assert teen["id"] in ids(counsellor.get("/api/v1/services", params={"council": PORTSMOUTH}).json())
    assert counsellor.get("/api/v1/services", params={"council": "E99999999"}).status_code == 404
    assert counsellor.get("/api/v1/services", params={"council": PORTSMOUTH, "age": 99}).status_code == 400
    assert counsellor.get("/api/v1/services", params={"age": "old"}).status_code == 400


def test_one_service_for_sharing(young_person, staff) -> None:
    kent_yp = young_person(council_code=KENT, birth_year=year_for_age(14), birth_month=1)
    assert kent_yp.get("/api/v1/services/national-childline").status_code == 200
    assert kent_yp.get("/api/v1/services/portsmouth-kooth").status_code == 404  # another council's
    r = staff("counsellor").get("/api/v1/services/portsmouth-kooth")
    assert r.status_code == 200 and r.json()["id"] == "portsmouth-kooth"
    assert staff("counsellor").get("/api/v1/services/nope-nothing").status_code == 404


# --- click-throughs --------------------------------------------------------------------------------


def test_a_click_is_counted_anonymously(young_person, staff, client, database) -> None:
    admin = staff("council_admin", PORTSMOUTH)
    svc = create(
        admin, name=unique("Clickable"), topics=["bullying", "friendships"], url="https://example.org/help"
    )
    yp = young_person(council_code=PORTSMOUTH, birth_year=year_for_age(15), birth_month=1)

    def count() -> int:
        return database.query(
            "SELECT count(*) AS n FROM usage_event WHERE kind = 'signpost_click' "
            "AND council_code = $1 AND topic = 'bullying'",
            PORTSMOUTH,
        )[0]["n"]

    before = count()
    r = yp.post(f"/api/v1/services/{svc['id']}/clicks", json={"kind": "url"})
    assert r.status_code == 204 and r.content == b""
    assert count() == before + 1
    assert yp.post("/api/v1/services/national-childline/clicks", json={"kind": "phone"}).status_code == 204
    last = database.query("SELECT * FROM usage_event WHERE kind = 'signpost_click' ORDER BY id DESC LIMIT 1")[
        0
    ]
    assert last["council_code"] == PORTSMOUTH and last["topic"] == "suicidal-feelings"
    # nothing links the click to the person or to the service
    columns = {
        r["column_name"]
        for r in database.query(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'usage_event'"
        )
    }
    assert not any("user" in c or "service" in c for c in columns)
    assert yp.user["id"] not in json.dumps(
        [dict(r) for r in database.query("SELECT * FROM usage_event WHERE kind = 'signpost_click'")],
        default=str,
    )


def test_click_refusals(young_person, staff, client) -> None:
    yp = young_person(council_code=PORTSMOUTH, birth_year=year_for_age(15), birth_month=1)
    assert yp.post("/api/v1/services/no-such-service/clicks", json={"kind": "url"}).status_code == 404
    assert yp.post("/api/v1/services/kent-headstart/clicks", json={"kind": "url"}).status_code == 404
    assert yp.post("/api/v1/services/national-childline/clicks", json={"kind": "fax"}).status_code == 400
    assert yp.post("/api/v1/services/national-childline/clicks", json={}).status_code == 400
    assert (
        staff("counsellor")
        .post("/api/v1/services/national-childline/clicks", json={"kind": "url"})
        .status_code
        == 403
    )
    assert client.post("/api/v1/services/national-childline/clicks", json={"kind": "url"}).status_code == 401


# --- a council's directory ---------------------------------------------------------------------------


def test_council_admin_lists_their_directory_with_every_field(staff) -> None:
    admin = staff("council_admin", WESTMINSTER)
    r = admin.get(admin_url(WESTMINSTER))
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == len(body["items"]) >= 10
    assert all(i["council_code"] == WESTMINSTER for i in body["items"])
    item = next(i for i in body["items"] if i["id"] == "westminster-cnwl-crisis-line")
    for key in (
        "status",
        "organisation",
        "eligibility",
        "schedules",
        "location",
        "reviewed_on",
        "contact_verified",
        "phone",
        "email",
        "url",
        "thrive",
        "topics",
        "min_age",
        "max_age",
        "self_referral",
        "managed_by",
    ):
        assert key in item, key
    assert item["phone"] is None and item["contact_verified"] is False and item["reviewed_on"] == "2026-11-22"
    assert item["schedules"] == [{"days": ALL_DAYS, "opens_at": "00:00", "closes_at": "24:00"}]


def test_create_replace_and_retire_a_service(staff, young_person) -> None:
    admin = staff("council_admin", PORTSMOUTH)
    body = service_body(
        name=unique("Youth counselling"),
        phone=TEST_PHONE,
        sms="07700 900123",
        email="help@example.org",
        url="https://example.org",
        hours="Weekdays 9 to 5",
        organisation="Example Trust",
        eligibility="Young people in Portsmouth",
        location={
            "name": "Youth hub",
            "address_1": "1 Example Street",
            "city": "Portsmouth",
            "postal_code": "PO1 1AA",
        },
        schedules=[{"days": ["mon", "tue", "wed", "thu", "fri"], "opens_at": "09:00", "closes_at": "17:00"}],
        reviewed_on="2026-11-01",
        contact_verified=True,
        extended_max_age=None,
        max_age=18,
    )
    r = admin.post(admin_url(PORTSMOUTH), json=body)
    assert r.status_code == 201, r.text
    created = r.json()
    assert re.fullmatch(r"[0-9a-f-]{36}", created["id"])  # made for it
    for key in (
        "name",
        "phone",
        "sms",
        "email",
        "url",
        "hours",
        "organisation",
        "eligibility",
        "location",
        "schedules",
        "reviewed_on",
        "contact_verified",
        "topics",
        "thrive",
    ):
        assert created[key] == body[key], key
    assert (
        created["status"] == "active" and created["managed_by"] == "council" and created["national"] is False
    )

    # with an id of its own; the same id again is a conflict
    own_id = f"portsmouth-test-{secrets.token_hex(4)}"
    assert admin.post(admin_url(PORTSMOUTH), json=service_body(id=own_id)).json()["id"] == own_id
    assert admin.post(admin_url(PORTSMOUTH), json=service_body(id=own_id)).status_code == 409
    assert admin.post(admin_url(PORTSMOUTH), json=service_body(id="portsmouth-kooth")).status_code == 409

    # PUT replaces every editable field (what GET gave can be sent back)
    changed = {**created, "name": unique("Renamed"), "phone": None, "schedules": [], "topics": ["sleep"]}
    r = admin.put(admin_url(PORTSMOUTH, f"/{created['id']}"), json=changed)
    assert r.status_code == 200, r.text
    assert r.json()["name"] == changed["name"] and r.json()["phone"] is None and r.json()["schedules"] == []
    assert r.json()["topics"] == ["sleep"] and r.json()["id"] == created["id"]
    assert admin.get(admin_url(PORTSMOUTH, f"/{created['id']}")).json()["name"] == changed["name"]

    yp = young_person(council_code=PORTSMOUTH, birth_year=year_for_age(15), birth_month=1)
    assert created["id"] in ids(yp.get("/api/v1/services").json())
    # DELETE retires: hidden from young people, kept (inactive) in the directory
    r = admin.delete(admin_url(PORTSMOUTH, f"/{created['id']}"))
    assert r.status_code == 204
    assert created["id"] not in ids(yp.get("/api/v1/services").json())
    assert yp.post(f"/api/v1/services/{created['id']}/clicks", json={"kind": "url"}).status_code == 404
    kept = next(i for i in admin.get(admin_url(PORTSMOUTH)).json()["items"] if i["id"] == created["id"])
    assert kept["status"] == "inactive"
    # an inactive service can be brought back with PUT
    r = admin.put(admin_url(PORTSMOUTH, f"/{created['id']}"), json={**kept, "status": "active"})
    assert r.status_code == 200 and r.json()["status"] == "active"
    assert created["id"] in ids(yp.get("/api/v1/services").json())


def test_directory_authorisation(staff, young_person, client) -> None:
    own = staff("council_admin", PORTSMOUTH)
    svc = create(own, name=unique("Owned by Portsmouth"))
    other = staff("council_admin", KENT)
    paths = [
        ("get", admin_url(PORTSMOUTH)),
        ("post", admin_url(PORTSMOUTH)),
        ("put", admin_url(PORTSMOUTH, f"/{svc['id']}")),
        ("delete", admin_url(PORTSMOUTH, f"/{svc['id']}")),
        ("post", admin_url(PORTSMOUTH, "/import")),
        ("get", admin_url(PORTSMOUTH, "/export")),
    ]

    def call(c: Client, method: str, path: str):  # noqa: ANN202
        if method in ("post", "put"):
            body = {"services": []} if path.endswith("/import") else service_body()
            return getattr(c, method)(path, json=body)
        return getattr(c, method)(path)

    wrong_roles = {
        "moderator": staff("moderator"),
        "counsellor": staff("counsellor"),
        "young_person": young_person(),
    }
    for method, path in paths:
        assert call(other, method, path).status_code == 403, (method, path)
        for role, c in wrong_roles.items():
            assert call(c, method, path).status_code == 403, (role, method, path)
        assert call(client, method, path).status_code == 401, ("anonymous", method, path)
    # the platform admin can work on any council; an unknown council is 404
    admin = staff("admin")
    assert admin.get(admin_url(PORTSMOUTH)).status_code == 200
    assert admin.get(admin_url("E99999999")).status_code == 404
    assert admin.post(admin_url("E99999999"), json=service_body()).status_code == 404
    # a service of another council, through one's own council: 404
    assert other.put(admin_url(KENT, f"/{svc['id']}"), json=service_body()).status_code == 404
    assert other.delete(admin_url(KENT, f"/{svc['id']}")).status_code == 404
    assert other.get(admin_url(KENT, f"/{svc['id']}")).status_code == 404
    assert other.delete(admin_url(KENT, "/national-childline")).status_code == 404
    assert own.put(admin_url(PORTSMOUTH, "/no-such-id"), json=service_body()).status_code == 404
    # and nothing changed
    assert own.get(admin_url(PORTSMOUTH, f"/{svc['id']}")).json()["status"] == "active"


@pytest.mark.parametrize(
    "overrides",
    [
        {"name": ""},
        {"name": "   "},
        {"name": "x" * 5000},
        {"description": "x" * 50_000},
        {"thrive": "great"},
        {"topics": ["not-a-topic"]},
        {"topics": ["anxiety", "anxiety"]},
        {"topics": "anxiety"},
        {"min_age": -1},
        {"max_age": 31},
        {"min_age": 20, "max_age": 12},
        {"min_age": "eleven"},
        {"extended_max_age": 12, "max_age": 18},
        {"schedules": [{"days": ["monday"], "opens_at": "09:00", "closes_at": "17:00"}]},
        {"schedules": [{"days": [], "opens_at": "09:00", "closes_at": "17:00"}]},
        {"schedules": [{"days": ["mon"], "opens_at": "9am", "closes_at": "17:00"}]},
        {"schedules": [{"days": ["mon"], "opens_at": "25:00", "closes_at": "26:00"}]},
        {"schedules": [{"days": ["mon"], "opens_at": "17:00", "closes_at": "09:00"}]},
        {"schedules": [{"days": ["mon"], "opens_at": "09:00", "closes_at": "09:00"}]},
        {"schedules": [{"days": ["mon"], "opens_at": "24:00", "closes_at": "24:00"}]},
        {"phone": "call us"},
        {"phone": "12"},
        {"sms": "text SHOUT"},
        {"url": "ftp://example.org"},
        {"url": "javascript:alert(1)"},
        {"url": "example.org"},
        {"email": "not an email"},
        {"email": "a@b"},
        {"status": "deleted"},
        {"location": {"postal_code": "x" * 50}},
    ],
)
def test_bad_services_are_400(staff, overrides) -> None:
    admin = staff("council_admin", PORTSMOUTH)
    r = admin.post(admin_url(PORTSMOUTH), json=service_body(**overrides))
    assert r.status_code == 400, (overrides, r.text)
    assert r.headers["content-type"].startswith(PROBLEM) and r.json()["detail"]


def test_bad_bodies_are_400(staff) -> None:
    admin = staff("council_admin", PORTSMOUTH)
    for body in ({}, [1, 2], "text"):
        assert admin.post(admin_url(PORTSMOUTH), json=body).status_code == 400
    r = admin.post(admin_url(PORTSMOUTH), content=b"{nope", headers={"content-type": "application/json"})
    assert r.status_code == 400


def test_a_council_edit_survives_a_content_reimport(staff, server_env, database) -> None:
    admin = staff("council_admin", RBKC)
    items = {i["id"]: i for i in admin.get(admin_url(RBKC)).json()["items"]}
    edited = items["rbkc-targeted-prevention-team"]
    untouched = items["rbkc-mhst"]
    assert edited["managed_by"] == "content" and untouched["managed_by"] == "content"
    new_description = edited["description"] + " Checked by the council."
    r = admin.put(
        admin_url(RBKC, "/rbkc-targeted-prevention-team"),
        json={**edited, "description": new_description, "contact_verified": True},
    )
    assert r.status_code == 200 and r.json()["managed_by"] == "council"
    out = waymark_cli("import-content", env=server_env)
    assert "services created 0" in out and "services updated 0" in out
    after = {i["id"]: i for i in admin.get(admin_url(RBKC)).json()["items"]}
    assert after["rbkc-targeted-prevention-team"]["description"] == new_description
    assert after["rbkc-targeted-prevention-team"]["contact_verified"] is True
    assert after["rbkc-mhst"] == untouched  # content-managed rows are unchanged when the file is


# --- Open Referral UK import and export -------------------------------------------------------------


def new_id() -> str:
    return str(uuid.uuid4())


def published(directory_id: str) -> str:
    """The id a directory service has in ORUK (a UUIDv5 of a slug; a UUID stays itself)."""
    try:
        return str(uuid.UUID(directory_id))
    except ValueError:
        return str(uuid.uuid5(WAYMARK_NAMESPACE, f"service/{directory_id}"))


def attribute(taxonomy: str, code: str) -> dict[str, Any]:
    return {
        "id": new_id(),
        "taxonomy_term": {"id": new_id(), "name": code, "description": f"{taxonomy}: {code}", "code": code,
                          "taxonomy": taxonomy},
    }


def oruk(service_id: str | None = None, **overrides: Any) -> dict[str, Any]:
    """A valid HSDS 3.0 service, as a council's own system would send it."""
    record: dict[str, Any] = {
        "id": service_id or new_id(),
        "name": unique("ORUK service"),
        "description": "Imported from a council system.",
        "url": "https://example.org/service",
        "email": "team@example.org",
        "status": "active",
        "organization": {"id": new_id(), "name": "Example Trust", "description": "A test charity."},
        "phones": [{"id": new_id(), "number": TEST_PHONE}],
        "schedules": [{"id": new_id(), "byday": "MO,TU,WE", "opens_at": "09:00", "closes_at": "17:00",
                       "freq": "WEEKLY"}],
        "eligibility_description": "Young people in Kent",
        "minimum_age": 11,
        "maximum_age": 18,
        "service_at_locations": [
            {
                "id": new_id(),
                "location": {
                    "id": new_id(),
                    "location_type": "physical",
                    "name": "Hub",
                    "addresses": [
                        {"id": new_id(), "address_1": "2 Example Road", "postal_code": "ME1 1AA", "city": "Maidstone",
                         "state_province": "England", "country": "GB", "address_type": "physical"}
                    ],
                },
            }
        ],
        "attributes": [
            attribute("thrive", "getting_help"),
            attribute("waymark-topics", "anxiety"),
            attribute("waymark-referral", "self_referral"),
        ],
        "assured_date": "2026-10-01",
    }
    record.update(overrides)
    return record


def kent_items(admin: Client) -> dict[str, dict[str, Any]]:
    return {i["id"]: i for i in admin.get(admin_url(KENT)).json()["items"]}


def test_oruk_import_applies_valid_records_and_reports_the_rest(staff) -> None:
    admin = staff("council_admin", KENT)
    good, also_good = oruk(), oruk()
    wrong_types = oruk(minimum_age="eleven")
    document = {
        "services": [
            good,
            wrong_types,
            {k: v for k, v in oruk().items() if k != "id"},  # missing id
            oruk(good["id"], name=unique("Repeat")),  # duplicate id: the repeat is refused
            oruk(attributes=[]),  # no THRIVE category
            oruk(schedules=[{"id": new_id(), "byday": "MO", "opens_at": "18:00", "closes_at": "09:00"}]),
            oruk(phones="0800"),  # wrong type
            oruk(url="javascript:alert(1)"),
            oruk(attributes=[attribute("thrive", "getting_help"), attribute("waymark-topics", "astrology")]),
            "not an object",
            oruk(published("national-childline")),  # not this council's
            also_good,
        ]
    }
    r = admin.post(admin_url(KENT, "/import"), json=document)
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["created"] == 2 and report["updated"] == 0
    errors = {e["index"]: e for e in report["errors"]}
    assert sorted(errors) == list(range(1, 11))
    assert all(set(e) <= {"index", "path", "detail", "id"} and e["detail"] and e["path"] for e in report["errors"])
    assert errors[1]["id"] == wrong_types["id"] and errors[1]["path"] == "services[1].minimum_age"
    assert "id" not in errors[2] and errors[2]["path"] == "services[2].id" and "required" in errors[2]["detail"]
    assert errors[3]["id"] == good["id"] and "more than once" in errors[3]["detail"]
    assert errors[4]["path"] == "services[4].attributes" and "THRIVE" in errors[4]["detail"]
    assert errors[5]["path"] == "services[5].schedules[0].closes_at"
    assert errors[6]["path"] == "services[6].phones"
    assert errors[7]["path"] == "services[7].url"
    assert errors[8]["path"] == "services[8].attributes[1].taxonomy_term.code" and "astrology" in errors[8]["detail"]
    assert errors[9]["path"] == "services[9]"
    assert errors[10]["path"] == "services[10].id" and "outside this council" in errors[10]["detail"]
    items = kent_items(admin)
    assert good["id"] in items and also_good["id"] in items
    assert items[good["id"]]["name"] == good["name"]  # the repeat did not overwrite it
    for i in (1, 4, 5, 6, 7, 8):
        assert document["services"][i]["id"] not in items, i  # invalid: not applied
    assert "national-childline" not in items
    childline = staff("counsellor").get("/api/v1/services/national-childline").json()
    assert childline["national"] is True and childline["name"] == "Childline"
    stored = items[good["id"]]
    assert stored["phone"] == TEST_PHONE and stored["organisation"] == "Example Trust"
    assert stored["schedules"] == [{"days": ["mon", "tue", "wed"], "opens_at": "09:00", "closes_at": "17:00"}]
    assert stored["location"] == {
        "name": "Hub",
        "address_1": "2 Example Road",
        "city": "Maidstone",
        "postal_code": "ME1 1AA",
    }
    assert (
        stored["thrive"] == "getting_help"
        and stored["topics"] == ["anxiety"]
        and stored["self_referral"] is True
    )
    assert stored["reviewed_on"] == "2026-10-01" and stored["managed_by"] == "council"


def test_oruk_import_reports_every_problem_of_every_record_with_its_path(staff) -> None:
    admin = staff("council_admin", KENT)
    many = oruk(
        email="not an email",
        phones=[{"id": "phone-1", "number": ""}],
        organization={"name": "No id"},
        attributes=[{"id": new_id(), "taxonomy_term": {"id": new_id(), "name": "x"}}],
        contacts=[{"id": new_id(), "name": "Duty worker", "email": "duty at example"}],
    )
    rules = oruk(
        url="ftp://example.org",
        phones=[{"id": new_id(), "number": "call us"}, {"id": new_id(), "number": "12", "type": "text"}],
        minimum_age=20,
        maximum_age=12,
        schedules=[{"id": new_id(), "freq": "WEEKLY", "byday": "XX", "opens_at": "9am", "closes_at": "17:00"}],
    )
    r = admin.post(admin_url(KENT, "/import"), json={"services": [oruk(), many, rules]})
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["created"] == 1
    paths = {}
    for e in report["errors"]:
        paths.setdefault(e["index"], set()).add(e["path"])
    assert paths[1] == {
        "services[1].email",
        "services[1].phones[0].id",
        "services[1].phones[0].number",
        "services[1].organization.id",
        "services[1].organization.description",
        "services[1].attributes[0].taxonomy_term.description",
        "services[1].contacts[0].email",
    }
    assert {
        "services[2].schedules[0].byday",
        "services[2].schedules[0].opens_at",
    } <= paths[2]
    by_path = {e["path"]: e["detail"] for e in report["errors"]}
    assert "UUID" in by_path["services[1].phones[0].id"]
    assert "e-mail" in by_path["services[1].email"]
    assert all(e["id"] == many["id"] for e in report["errors"] if e["index"] == 1)
    # once the shape is right, the rules report each field too
    fixed = {**rules, "schedules": []}
    report = admin.post(admin_url(KENT, "/import"), json=[fixed]).json()
    assert {e["path"] for e in report["errors"]} == {
        "services[0].url",
        "services[0].phones[0].number",
        "services[0].phones[1].number",
        "services[0].minimum_age",
    }, report


def test_an_invalid_record_never_half_changes_a_service(staff) -> None:
    admin = staff("council_admin", KENT)
    record = oruk()
    assert admin.post(admin_url(KENT, "/import"), json=[record]).json()["created"] == 1
    before = kent_items(admin)[record["id"]]
    broken = {**record, "name": unique("Changed name"), "maximum_age": 99}
    r = admin.post(admin_url(KENT, "/import"), json={"services": [broken]})
    assert r.status_code == 200 and r.json()["updated"] == 0 and len(r.json()["errors"]) == 1
    assert kent_items(admin)[record["id"]] == before
    # null fields (which many systems write) are taken as absent
    nulls = {**record, "name": "With nulls", "alternate_name": None, "email": None, "eligibility_description": None}
    r = admin.post(admin_url(KENT, "/import"), json=[nulls])
    assert r.json() == {"created": 0, "updated": 1, "errors": []}, r.text
    assert kent_items(admin)[record["id"]]["email"] is None
    # HSDS pages are accepted too
    r = admin.post(
        admin_url(KENT, "/import"), json={"contents": [{**record, "name": "Paged"}], "total_items": 1}
    )
    assert r.json() == {"created": 0, "updated": 1, "errors": []}
    assert kent_items(admin)[record["id"]]["name"] == "Paged"


def test_bad_oruk_files(staff) -> None:
    admin = staff("council_admin", KENT)
    r = admin.post(
        admin_url(KENT, "/import"), content=b"this is not json", headers={"content-type": "application/json"}
    )
    assert r.status_code == 400 and r.headers["content-type"].startswith(PROBLEM)
    for document in ({"services": "all of them"}, {"nothing": []}, 42, "services"):
        r = admin.post(admin_url(KENT, "/import"), json=document)
        assert r.status_code == 400 and r.headers["content-type"].startswith(PROBLEM), document
    junk = secrets.token_bytes(5 * 1024 * 1024)
    r = admin.post(admin_url(KENT, "/import"), content=junk, headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.headers["content-type"].startswith(PROBLEM)
    # up to 4 MB is fine (more than the 1 MB other requests may carry)
    record = oruk()
    big = json.dumps({"services": [record], "padding": "x" * 1_500_000}).encode()
    r = admin.post(admin_url(KENT, "/import"), content=big, headers={"content-type": "application/json"})
    assert r.status_code == 200 and r.json()["created"] == 1, r.text


def test_export_then_import_round_trips(staff) -> None:
    admin = staff("council_admin", KENT)
    rich = oruk(
        phones=[{"id": new_id(), "number": TEST_PHONE, "type": "voice"},
                {"id": new_id(), "number": "07700 900456", "type": "text"}],
        schedules=[
            {
                "id": new_id(),
                "byday": "MO,WE",
                "opens_at": "09:00",
                "closes_at": "12:30",
                "freq": "WEEKLY",
                "description": "Mornings, twice a week",
            },
            {"id": new_id(), "byday": "SA", "opens_at": "10:00", "closes_at": "24:00", "freq": "WEEKLY"},
        ],
        attributes=[
            attribute("thrive", "getting_more_help"),
            attribute("waymark-topics", "eating"),
            attribute("waymark-topics", "body-image"),
            attribute("waymark-referral", "referral_needed"),
        ],
        waymark_extensions={
            "extended_max_age": 25,
            "crisis_line": False,
            "contact_verified": True,
            "note": "Checked by phone.",
        },
    )
    assert admin.post(admin_url(KENT, "/import"), json={"services": [rich]}).json()["created"] == 1
    retired = create(admin, KENT, name=unique("Retired"), hours="Closed for now")
    assert admin.delete(admin_url(KENT, f"/{retired['id']}")).status_code == 204

    r = admin.get(admin_url(KENT, "/export"))
    assert r.status_code == 200
    exported = r.json()
    services = exported["services"]
    before = kent_items(admin)
    assert len(services) == len(before)
    one = next(s for s in services if s["id"] == rich["id"])
    assert (
        one["organization"]["name"] == "Example Trust"
        and one["minimum_age"] == 11
        and one["maximum_age"] == 18
    )
    assert {"taxonomy": "thrive", "code": "getting_more_help"}.items() <= one["attributes"][0][
        "taxonomy_term"
    ].items()
    assert (
        one["schedules"][0]["byday"] == "MO,WE"
        and one["last_modified"]
        and one["assured_date"] == "2026-10-01"
    )
    assert {p["number"] for p in one["phones"]} == {TEST_PHONE, "07700 900456"}
    assert next(s for s in services if s["id"] == published(retired["id"]))["status"] == "inactive"
    assert all(uuid.UUID(s["id"]) for s in services)

    r = admin.post(admin_url(KENT, "/import"), json=exported)
    assert r.status_code == 200, r.text
    assert r.json() == {"created": 0, "updated": len(services), "errors": []}
    after = kent_items(admin)

    def same(item: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in item.items() if k not in {"last_modified", "managed_by"}}

    assert {k: same(v) for k, v in after.items()} == {k: same(v) for k, v in before.items()}
    again = admin.get(admin_url(KENT, "/export")).json()["services"]
    strip = lambda s: {k: v for k, v in s.items() if k not in {"last_modified", "waymark_extensions"}}  # noqa: E731
    assert [strip(s) for s in again] == [strip(s) for s in services]
    stored = after[rich["id"]]
    assert stored["sms"] == "07700 900456" and stored["hours"] == "Mornings, twice a week"
    assert (
        stored["extended_max_age"] == 25
        and stored["note"] == "Checked by phone."
        and stored["self_referral"] is False
    )
    assert stored["schedules"][1] == {"days": ["sat"], "opens_at": "10:00", "closes_at": "24:00"}


# --- the seed content ---------------------------------------------------------------------------------


def test_seed_services_show_no_invented_contact_details(young_person, staff, database) -> None:
    """Every phone or text number shown for a content service is one of the product owner's
    national numbers or is written, exactly, in content/."""
    content_text = "\n".join(p.read_text() for p in CONTENT.rglob("*.yaml"))
    seeded = content_ids()
    answers = [staff("counsellor").get("/api/v1/services").json()]
    for code in (PORTSMOUTH, KENT, RBKC, WESTMINSTER):
        yp = young_person(council_code=code, birth_year=year_for_age(14), birth_month=1)
        answers.append(yp.get("/api/v1/services").json())
        assert "023 465" not in yp.get("/api/v1/services").text  # the withheld CNWL number
    checked = 0
    for answer in answers:
        for item in answer["items"]:
            if item["id"] not in seeded:
                continue  # made by a test
            checked += 1
            for key in ("phone", "sms"):
                if key in item:
                    assert item[key] in NATIONAL_NUMBERS or f'"{item[key]}"' in content_text, item
            for key in ("email", "url"):
                if key in item:
                    assert item[key] in content_text, item
    assert checked >= 20
    # the stored rows match the files exactly
    files = {s["id"]: s for s in yaml.safe_load((CONTENT / "national-services.yaml").read_text())}
    for path in (CONTENT / "services").glob("*.yaml"):
        files |= {s["id"]: s for s in yaml.safe_load(path.read_text())}
    rows = database.query(
        "SELECT id, phone, sms, email, url FROM directory_service WHERE managed_by = 'content'"
    )
    assert rows
    for row in rows:
        for key in ("phone", "sms", "email", "url"):
            assert row[key] == files[row["id"]].get(key), (row["id"], key)


def test_seed_national_services_are_national(staff, database) -> None:
    rows = database.query("SELECT id, council_code FROM directory_service WHERE id LIKE 'national-%'")
    assert len(rows) >= 9 and all(r["council_code"] is None for r in rows)
    items = {i["id"]: i for i in staff("counsellor").get("/api/v1/services").json()["items"]}
    assert (
        items["national-childline"]["national"] is True
        and items["national-childline"]["council_code"] is None
    )


def test_content_reimport_is_idempotent(server_env) -> None:
    out = waymark_cli("import-content", env=server_env)
    assert "services created 0" in out and "services updated 0" in out


# --- a service nobody can contact, and reviews --------------------------------------------------------


def test_a_service_nobody_can_contact_is_never_shown_or_shared_and_the_console_flags_it(
    staff, young_person
) -> None:
    admin = staff("council_admin", PORTSMOUTH)
    before = admin.get(admin_url(PORTSMOUTH)).json()
    silent = create(admin, name=unique("No contact yet"), url=None, topics=["sleep"])
    emailed = create(admin, name=unique("Email only"), url=None, email="help@example.org", topics=["sleep"])
    yp = young_person(council_code=PORTSMOUTH, birth_year=year_for_age(15), birth_month=1)
    shown = ids(yp.get("/api/v1/services", params={"topic": "sleep"}).json())
    assert silent["id"] not in shown and emailed["id"] in shown
    assert yp.get(f"/api/v1/services/{silent['id']}").status_code == 404
    assert yp.post(f"/api/v1/services/{silent['id']}/clicks", json={"kind": "open"}).status_code == 404
    counsellor = staff("counsellor")
    assert silent["id"] not in ids(counsellor.get("/api/v1/services", params={"council": PORTSMOUTH}).json())
    assert counsellor.get(f"/api/v1/services/{silent['id']}").status_code == 404  # nothing to share
    assert counsellor.get(f"/api/v1/services/{emailed['id']}").status_code == 200
    # the console lists it under "needs contact details", and counts it
    after = admin.get(admin_url(PORTSMOUTH)).json()
    items = {i["id"]: i for i in after["items"]}
    assert items[silent["id"]]["needs_contact"] is True and items[emailed["id"]]["needs_contact"] is False
    assert after["needs_contact"] == before["needs_contact"] + 1
    # once it has a phone number, young people see it
    r = admin.put(admin_url(PORTSMOUTH, f"/{silent['id']}"), json={**items[silent["id"]], "phone": TEST_PHONE})
    assert r.status_code == 200 and r.json()["needs_contact"] is False
    assert silent["id"] in ids(yp.get("/api/v1/services", params={"topic": "sleep"}).json())
    assert admin.get(admin_url(PORTSMOUTH)).json()["needs_contact"] == before["needs_contact"]


def test_the_console_flags_services_not_reviewed_for_12_months(staff) -> None:
    admin = staff("council_admin", KENT)
    today = dt.datetime.now(LONDON).date()
    fresh = create(admin, KENT, reviewed_on=(today - dt.timedelta(days=30)).isoformat())
    stale = create(admin, KENT, reviewed_on=(today - dt.timedelta(days=366)).isoformat())
    never = create(admin, KENT)
    assert (fresh["needs_review"], stale["needs_review"], never["needs_review"]) == (False, True, True)
    body = admin.get(admin_url(KENT)).json()
    active = [i for i in body["items"] if i["status"] == "active"]
    assert body["needs_review"] == sum(i["needs_review"] for i in active) >= 2
    # "Reviewed" is what the officer saves (the console sends today's date on save)
    r = admin.put(admin_url(KENT, f"/{stale['id']}"), json={**stale, "reviewed_on": today.isoformat()})
    assert r.status_code == 200 and r.json()["needs_review"] is False and r.json()["reviewed_on"] == today.isoformat()


def test_the_self_harm_filter_shows_a_local_service_and_lines_open_now(young_person) -> None:
    yp = young_person(council_code=PORTSMOUTH, birth_year=year_for_age(14), birth_month=1)
    items = yp.get("/api/v1/services", params={"topic": "self-harm"}).json()["items"]
    local = [i for i in items if not i["national"]]
    assert [i["id"] for i in local] == ["portsmouth-kooth"] and local[0]["url"] == "https://www.kooth.com"
    national = {i["id"]: i for i in items if i["national"]}
    for sid in ("national-childline", "national-samaritans", "national-shout", "national-nhs-111"):
        assert national[sid]["open_now"] is True, sid  # 24/7: always open now
    assert all(i["open_now"] is not False or i.get("hours") for i in items)  # nothing "closed" without hours
