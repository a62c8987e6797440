"""Pure rules of local signposting, with an injected clock and rows made in memory (no
database, no server): open now across the British summer-time changes, who sees which
service, and the Open Referral UK mapping."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec
import pytest

from backend.signposting.feed import matches, page_of
from backend.signposting.hours import hours_note, open_state
from backend.signposting.models import DirectorySchedule, DirectoryService
from backend.signposting.oruk import published_id, service_in, service_record, shape_problems
from backend.signposting.oruk_schemas import Service
from backend.signposting.rows import values_of
from backend.signposting.validation import known_topics
from backend.signposting.visibility import Audience, fits, has_contact, items_for

UTC = dt.UTC
EVERY_DAY = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def row(**fields: Any) -> DirectoryService:
    schedules = fields.pop("schedules", [])
    values: dict[str, Any] = {
        "id": f"svc-{uuid.uuid4().hex[:8]}",
        "council_code": "E06000044",
        "name": "A service",
        "description": "What it does.",
        "thrive": "getting_help",
        "topics": ["sleep"],
        "min_age": 11,
        "max_age": 18,
        "extended_max_age": None,
        "url": "https://example.org",
        "status": "active",
        "crisis_line": False,
        "contact_verified": False,
        "managed_by": "council",
        "last_modified": dt.datetime(2026, 11, 1, tzinfo=UTC),
        **fields,
    }
    service = DirectoryService(**values)
    service.schedules = [
        DirectorySchedule(position=i, days=days, opens_at=opens, closes_at=closes)
        for i, (days, opens, closes) in enumerate(schedules)
    ]
    return service


def at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=UTC)


# --- open now, across the clock changes ----------------------------------------------------------
# 2026: clocks go forward at 01:00 UTC on Sunday 29 March, back at 01:00 UTC on Sunday 25 October.


def test_a_day_service_follows_london_time_across_the_spring_change() -> None:
    nine_to_five = row(schedules=[(EVERY_DAY, "09:00", "17:00")])
    assert open_state(nine_to_five, at(2026, 3, 28, 8, 30)) is False  # 08:30 GMT
    assert open_state(nine_to_five, at(2026, 3, 29, 8, 30)) is True  # 09:30 BST
    assert open_state(nine_to_five, at(2026, 3, 29, 16, 30)) is False  # 17:30 BST
    assert open_state(nine_to_five, at(2026, 3, 28, 16, 30)) is True  # 16:30 GMT


def test_a_day_service_follows_london_time_across_the_autumn_change() -> None:
    nine_to_five = row(schedules=[(EVERY_DAY, "09:00", "17:00")])
    assert open_state(nine_to_five, at(2026, 10, 24, 16, 30)) is False  # 17:30 BST
    assert open_state(nine_to_five, at(2026, 10, 25, 16, 30)) is True  # 16:30 GMT
    assert open_state(nine_to_five, at(2026, 10, 24, 8, 30)) is True  # 09:30 BST
    assert open_state(nine_to_five, at(2026, 10, 25, 8, 30)) is False  # 08:30 GMT


def test_the_skipped_and_the_repeated_hour() -> None:
    small_hours = row(schedules=[(["sun"], "00:00", "01:30")])
    assert open_state(small_hours, at(2026, 3, 29, 0, 59)) is True  # 00:59 GMT
    assert open_state(small_hours, at(2026, 3, 29, 1, 0)) is False  # 02:00 BST: 01:00-02:00 never happens
    one_to_two = row(schedules=[(["sun"], "01:00", "02:00")])
    assert open_state(one_to_two, at(2026, 10, 25, 0, 30)) is True  # 01:30 BST
    assert open_state(one_to_two, at(2026, 10, 25, 1, 30)) is True  # 01:30 GMT, the hour again
    assert open_state(one_to_two, at(2026, 10, 25, 2, 30)) is False  # 02:30 GMT


@pytest.mark.parametrize("day", [dt.date(2026, 3, 29), dt.date(2026, 10, 25), dt.date(2026, 12, 1)])
def test_a_24_7_line_is_open_at_every_moment(day: dt.date) -> None:
    always = row(schedules=[(EVERY_DAY, "00:00", "24:00")], council_code=None, crisis_line=True, phone="116 123")
    start = dt.datetime.combine(day, dt.time(), tzinfo=UTC) - dt.timedelta(hours=2)
    for step in range(0, 28 * 60, 7):
        assert open_state(always, start + dt.timedelta(minutes=step)) is True


def test_unknown_hours_are_never_closed() -> None:
    unknown = row(schedules=[])
    assert open_state(unknown, at(2026, 12, 1, 3, 0)) is None
    assert hours_note(unknown, None) == "Check their website for times."
    assert hours_note(row(url=None, phone="0800 1111"), None) == "Contact them to check their times."
    assert hours_note(unknown, True) is None and hours_note(unknown, False) is None
    national_line = row(schedules=[], council_code=None, crisis_line=True, phone="0800 068 4141")
    assert open_state(national_line, at(2026, 12, 1, 3, 0)) is None  # not claimed open without hours


# --- who sees what ---------------------------------------------------------------------------------


def test_eligibility_by_age_extended_age_topic_and_thrive() -> None:
    kooth = row(min_age=11, max_age=18, extended_max_age=25, topics=["anxiety"], thrive="getting_advice")
    assert fits(kooth, Audience("E06000044", 11), None, None)
    assert fits(kooth, Audience("E06000044", 18), None, None)
    assert not fits(kooth, Audience("E06000044", 10), None, None)
    assert not fits(kooth, Audience("E06000044", 20), None, None)
    assert fits(kooth, Audience("E06000044", 20, extended=True), None, None)  # care leaver, EHCP
    assert not fits(kooth, Audience("E06000044", 26, extended=True), None, None)
    assert fits(kooth, Audience("E06000044", None), "anxiety", "getting_advice")
    assert not fits(kooth, Audience("E06000044", 14), "sleep", None)
    assert not fits(kooth, Audience("E06000044", 14), None, "getting_help")


def test_a_service_nobody_can_contact_is_never_shown() -> None:
    assert not has_contact(row(url=None))
    for contact in ({"phone": "0800 1111"}, {"sms": "85258"}, {"email": "a@example.org"}, {"url": "https://x.org"}):
        assert has_contact(row(**{"url": None, **contact})), contact
    assert not fits(row(url=None), Audience("E06000044", 14), None, None)


def test_open_first_then_unknown_then_closed_local_before_national() -> None:
    now = at(2026, 12, 1, 12, 0)  # a Tuesday, noon
    rows = [
        row(name="Zed closed", schedules=[(["sat"], "09:00", "17:00")]),
        row(name="Bee unknown"),
        row(name="Cat open", schedules=[(EVERY_DAY, "09:00", "17:00")]),
        row(name="Ant national", council_code=None, schedules=[(EVERY_DAY, "00:00", "24:00")]),
        row(name="Nobody to call", url=None),
    ]
    items = items_for(rows, Audience("E06000044", 14), topic=None, thrive=None, open_now=False, now=now)
    assert [i.name for i in items] == ["Cat open", "Bee unknown", "Zed closed", "Ant national"]
    assert [i.open_now for i in items] == [True, None, False, True]
    only_open = items_for(rows, Audience("E06000044", 14), topic=None, thrive=None, open_now=True, now=now)
    assert [i.name for i in only_open] == ["Cat open", "Ant national"]


# --- the ORUK mapping ----------------------------------------------------------------------------


def full_row() -> DirectoryService:
    return row(
        id="portsmouth-test",
        organisation="Example Trust",
        topics=["sleep", "anxiety"],
        self_referral=False,
        phone="01632 960 001",
        sms="07700 900123",
        email="team@example.org",
        eligibility="Young people in Portsmouth",
        hours="Weekdays, daytime",
        location={"name": "Hub", "address_1": "1 Example Street", "city": "Portsmouth", "postal_code": "PO1 1AA"},
        reviewed_on=dt.date(2026, 10, 1),
        extended_max_age=25,
        note="Checked by phone.",
        schedules=[(["mon", "wed"], "09:00", "12:30"), (["sat"], "10:00", "24:00")],
    )


def test_ids_are_uuids_and_stable() -> None:
    assert published_id("portsmouth-kooth") == published_id("portsmouth-kooth")
    assert uuid.UUID(published_id("portsmouth-kooth")).version == 5
    own = str(uuid.uuid4())
    assert published_id(own) == own and published_id(own.upper()) == own
    assert published_id("portsmouth-kooth") != published_id("rbkc-kooth")


def test_a_row_maps_to_a_valid_hsds_service_and_back() -> None:
    source = full_row()
    record = service_record(source, extensions=True)
    encoded = msgspec.json.encode(record)
    decoded = msgspec.json.decode(encoded, type=Service, strict=True)  # formats included
    assert decoded.id == published_id("portsmouth-test")
    assert {t.taxonomy_term.code for t in decoded.attributes} == {"getting_help", "sleep", "anxiety", "referral_needed"}
    assert shape_problems(msgspec.json.decode(encoded), Service, "services[0]") == []
    data, problems = service_in(decoded, known_topics(), "services[0]")
    assert problems == [] and data is not None
    assert values_of(data) == values_of(source)


def test_the_feed_record_leaves_out_empty_fields_and_team_fields() -> None:
    bare = row(url=None, phone="0800 1111", description="", schedules=[])
    record = msgspec.to_builtins(service_record(bare, extensions=False))
    assert "waymark_extensions" not in record and "description" not in record and "schedules" not in record
    assert "url" not in record and "email" not in record and "organization" not in record

    def no_empty(value: Any) -> None:
        if isinstance(value, dict):
            for item in value.values():
                assert item not in (None, "", [])
                no_empty(item)
        elif isinstance(value, list):
            for item in value:
                no_empty(item)

    no_empty(record)


def test_every_shape_problem_is_reported_with_its_path() -> None:
    record = msgspec.to_builtins(service_record(full_row(), extensions=False))
    record["id"] = "not-a-uuid"
    record["email"] = "nope"
    record["phones"][0]["id"] = 7
    del record["phones"][1]["number"]
    record["schedules"][1]["freq"] = "DAILY"
    record["minimum_age"] = "eleven"
    del record["status"]
    found = dict(shape_problems(record, Service, "services[4]"))
    assert set(found) == {
        "services[4].id",
        "services[4].email",
        "services[4].phones[0].id",
        "services[4].phones[1].number",
        "services[4].schedules[1].freq",
        "services[4].minimum_age",
        "services[4].status",
    }
    assert "UUID" in found["services[4].id"] and "e-mail" in found["services[4].email"]
    assert found["services[4].status"] == "is required"
    assert shape_problems("text", Service, "services[0]") == [("services[0]", "must be a JSON object")]


def test_every_rule_problem_is_reported_with_its_oruk_path() -> None:
    record = msgspec.to_builtins(service_record(full_row(), extensions=False))
    record["url"] = "javascript:alert(1)"
    record["phones"][1]["number"] = "text us"
    record["schedules"][0]["opens_at"] = "13:00"
    record["attributes"][1]["taxonomy_term"]["code"] = "astrology"
    record["maximum_age"] = 10
    decoded = msgspec.convert(record, Service)
    data, found = service_in(decoded, known_topics(), "services[2]")
    assert data is None
    assert {path for path, _ in found} == {
        "services[2].url",
        "services[2].phones[1].number",
        "services[2].schedules[0].closes_at",
        "services[2].attributes[1].taxonomy_term.code",
        "services[2].minimum_age",
    }


def test_pages_and_age_overlap() -> None:
    page = page_of(list(range(7)), 3, 3)
    assert (page.total_items, page.total_pages, page.page_number, page.size) == (7, 3, 3, 1)
    assert page.last_page and not page.first_page and not page.empty and page.contents == [6]
    empty = page_of([], None, None)
    assert empty.empty and empty.first_page and empty.last_page and empty.total_pages == 0
    teen = row(min_age=13, max_age=16)
    assert matches(teen, [], None, 16, None) and matches(teen, [], None, None, 13)
    assert not matches(teen, [], None, 17, None) and not matches(teen, [], None, None, 12)
    assert matches(teen, ["service", "what"], None, 10, 30) and not matches(teen, ["nothing"], None, None, None)


def test_waymark_limits_beyond_hsds_are_problems_not_crashes() -> None:
    record = msgspec.to_builtins(service_record(full_row(), extensions=False))
    record["service_at_locations"][0]["location"]["addresses"][0]["city"] = "C" * 150  # HSDS: fine
    data, found = service_in(msgspec.convert(record, Service), known_topics(), "services[0]")
    assert data is None and [path for path, _ in found] == ["services[0].service_at_locations[0].location"]


def test_a_change_forgets_only_that_councils_cached_answers() -> None:
    from backend.signposting import cache
    from tests.harness import run_async

    async def answer(key: tuple[Any, ...]) -> bytes:
        async def make() -> bytes:
            return repr(key).encode()

        return await cache.cached_answer(key, make)

    keys = [("services", Audience("E06000044", 14), None, None, False, "202612011200"),
            ("services", Audience("E10000016", 14), None, None, False, "202612011200"),
            ("services", Audience(None, None), None, None, False, "202612011200"),
            ("oruk", "services", "E06000044", 1, 50), ("oruk", "services", "E10000016", 1, 50)]
    cache.forget_directory_cache()
    for key in keys:
        run_async(answer(key))
    cache.forget_directory_cache("E06000044")
    assert [k in cache._answers for k in keys] == [False, True, True, False, True]
    cache.forget_directory_cache()  # a national service changed: everything goes
    assert not any(k in cache._answers for k in keys)
