"""No text meant for the team reaches a young person: every user-facing string in content/
and in the public API answers (articles, crisis lines, services, topics, boards, councils
and the ORUK feed) is checked for filler ("seed", "TODO", "placeholder", "lorem", "TBC",
"xxx") and for empty required fields."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from tests.harness import ROOT, Client

CONTENT = ROOT / "content"
COUNCILS = ("E06000044", "E09000020", "E09000033", "E10000016")
FILLER = re.compile(r"\b(seeds?|todo|placeholder|lorem|ipsum|tbc|tbd|x{3,}|fixme)\b", re.IGNORECASE)
# Keys whose values are words a person reads (ids, slugs, addresses and numbers are not prose).
PROSE = {"name", "title", "summary", "description", "body", "body_html", "hours", "hours_note", "eligibility",
         "eligibility_description", "short_name", "message"}


def prose(value: Any, path: str = "$") -> list[tuple[str, str]]:
    """(path, text) of every prose string in an answer or a content record."""
    out: list[tuple[str, str]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key in PROSE and isinstance(item, str):
                out.append((f"{path}.{key}", item))
            elif isinstance(item, dict | list):
                out += prose(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out += prose(item, f"{path}[{i}]")
    return out


def assert_no_filler(value: Any, where: str) -> int:
    found = prose(value, where)
    for path, text in found:
        plain = re.sub(r"<[^>]+>", " ", text)
        assert FILLER.search(plain) is None, f"{path}: {plain!r}"
        assert plain.strip(), f"{path} is empty"
    return len(found)


def required(items: list[dict[str, Any]], keys: tuple[str, ...], where: str) -> None:
    assert items, f"{where}: nothing to check"
    for i, item in enumerate(items):
        for key in keys:
            value = item.get(key)
            assert value not in (None, "", []), f"{where}[{i}].{key} is empty: {item.get('name') or item}"


def front_matter(text: str) -> tuple[dict[str, Any], str]:
    _, head, body = text.split("---", 2)
    return yaml.safe_load(head), body


def test_content_files_have_no_filler_and_no_empty_required_fields() -> None:
    checked = 0
    national = yaml.safe_load((CONTENT / "national-services.yaml").read_text())
    required(national, ("id", "name", "description", "thrive"), "national-services.yaml")
    checked += assert_no_filler(national, "national-services.yaml")
    for path in sorted((CONTENT / "services").glob("*.yaml")):
        services = yaml.safe_load(path.read_text())
        required(services, ("id", "name", "description", "thrive"), path.name)
        checked += assert_no_filler(services, path.name)
    for path in sorted((CONTENT / "councils").glob("*.yaml")):
        council = yaml.safe_load(path.read_text())
        required([council], ("code", "name", "short_name"), path.name)
        checked += assert_no_filler({k: council[k] for k in ("name", "short_name")}, path.name)
        checked += assert_no_filler(council.get("crisis_lines") or [], f"{path.name} crisis_lines")
    for name, keys in (("topics.yaml", ("slug", "name")), ("boards.yaml", ("slug", "name", "description"))):
        records = yaml.safe_load((CONTENT / name).read_text())
        required(records, keys, name)
        checked += assert_no_filler(records, name)
    for path in sorted((CONTENT / "articles").glob("*.md")):
        meta, body = front_matter(path.read_text())
        required([meta], ("title", "summary", "topics", "thrive"), path.name)
        assert body.strip(), f"{path.name} has no body"
        checked += assert_no_filler({**meta, "body": body}, path.name)
    assert checked > 200


def test_the_filler_check_itself_catches_team_text() -> None:
    for text in ("(the seed does not give counsellor chat hours)", "TODO: phone", "Lorem ipsum", "Opens TBC", "xxx"):
        try:
            assert_no_filler({"hours": text}, "$")
        except AssertionError:
            continue
        raise AssertionError(f"not caught: {text}")
    assert_no_filler({"hours": "Any time, day or night", "url": "https://example.org/seed"}, "$")  # urls are not prose


def year_for_age(age: int) -> int:
    return dt.datetime.now(ZoneInfo("Europe/London")).year - age


def test_public_answers_have_no_filler_and_no_empty_required_fields(client: Client, young_person, staff) -> None:
    topics = client.get("/api/v1/topics").json()
    required(topics, ("slug", "name"), "topics")
    assert_no_filler(topics, "topics")
    boards = client.get("/api/v1/boards").json()
    required(boards, ("slug", "name", "description"), "boards")
    assert_no_filler(boards, "boards")
    councils = client.get("/api/v1/councils").json()
    required(councils, ("code", "name"), "councils")
    assert_no_filler(councils, "councils")
    articles = client.get("/api/v1/articles", params={"limit": 100}).json()["items"]
    required(articles, ("slug", "title", "summary", "topics", "thrive"), "articles")
    for item in articles:
        article = client.get(f"/api/v1/articles/{item['slug']}").json()
        required([article], ("slug", "title", "summary", "body_html"), f"articles/{item['slug']}")
        assert_no_filler(article, f"articles/{item['slug']}")
    lines = [client.get("/api/v1/crisis-lines").json()]
    answers = [staff("counsellor").get("/api/v1/services").json()]
    for code in COUNCILS:
        yp = young_person(council_code=code, birth_year=year_for_age(14), birth_month=1)
        lines.append(yp.get("/api/v1/crisis-lines").json())
        answers.append(yp.get("/api/v1/services").json())
        answers.append(staff("counsellor").get("/api/v1/services", params={"council": code}).json())
        feed = client.get(f"/oruk/{code}/services", params={"per_page": 200}).json()
        assert_no_filler(feed, f"oruk/{code}")
        required(feed["contents"] or [{"name": "x", "status": "active", "id": "x"}], ("id", "name", "status"),
                 f"oruk/{code}")
    for group in lines:
        required(group, ("name", "description"), "crisis-lines")
        assert all(line.get("phone") or line.get("sms") or line.get("url") for line in group)
        assert_no_filler(group, "crisis-lines")
    for answer in answers:
        required(answer["items"], ("id", "name", "description", "thrive"), "services")
        for item in answer["items"]:
            assert any(item.get(k) for k in ("phone", "sms", "email", "url")), item["name"]  # a way to reach them
            assert item["open_now"] is not None or item["hours_note"], item["name"]  # never a silent unknown
        assert_no_filler(answer, "services")
