"""What a service must be, beyond its types: known topic slugs, ordered ages, opening times
that open before they close (the rule all weekly hours share: ``backend.weekly_hours``),
contact details of the right shape. Pure rules, no database.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import msgspec
import yaml

from backend.errors import Invalid
from backend.settings import get_settings
from backend.signposting.schemas import Location, ServiceIn
from backend.weekly_hours import opening_time_problems


@lru_cache(maxsize=4)
def _topics_in(path: Path) -> frozenset[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return frozenset(str(t["slug"]) for t in data)


def known_topics(content_dir: Path | None = None) -> frozenset[str]:
    """The topic slugs of content/topics.yaml (one list for articles, services and boards)."""
    return _topics_in((content_dir or get_settings().content_dir) / "topics.yaml")


PHONE = re.compile(r"^\+?[0-9](?:[0-9 ()-]{0,22}[0-9])?$")
EMAIL = re.compile(r"^[^@\s<>\"',;]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$")
RESERVED_IDS = {"import", "export"}  # .../services/import and .../services/export are paths
OPTIONAL_TEXT = ("organisation", "eligibility", "phone", "sms", "email", "url", "hours", "note")


def phone_problem(label: str, value: str) -> str | None:
    if PHONE.match(value) and sum(ch.isdigit() for ch in value) >= 3:
        return None
    return f"The {label} {value!r} should be digits, spaces and an optional + (like 0800 1111)."


def email_problem(value: str) -> str | None:
    return None if EMAIL.match(value) else f"The e-mail address {value!r} doesn't look right."


def url_problem(value: str, label: str = "website") -> str | None:
    parts = urlsplit(value)
    if parts.scheme in {"http", "https"} and parts.netloc and not any(ch.isspace() for ch in value):
        return None
    return f"The {label} must be a full address starting with https:// (or http://)."


def service_problems(data: ServiceIn, topics: frozenset[str]) -> list[tuple[str, str]]:
    """Every problem with a service beyond its types, as (field path, words an officer understands)."""
    out: list[tuple[str, str]] = []
    if not data.name.strip():
        out.append(("name", "Every service needs a name."))
    if data.id is not None and data.id.lower() in RESERVED_IDS:
        out.append(("id", f"The id {data.id!r} is kept for Waymark's own use. Please choose another."))
    if data.min_age > data.max_age:
        out.append(("min_age", f"The youngest age ({data.min_age}) is above the oldest age ({data.max_age})."))
    if data.extended_max_age is not None and data.extended_max_age < data.max_age:
        out.append(
            ("extended_max_age", "The extended age limit (care leavers, EHCP) cannot be below the usual oldest age.")
        )
    for i, topic in enumerate(data.topics):
        if topic not in topics:
            out.append((f"topics[{i}]", f"Unknown topic {topic!r}. Use the topic slugs of /api/v1/topics."))
        elif topic in data.topics[:i]:
            out.append((f"topics[{i}]", "A topic is listed twice."))
    for i, schedule in enumerate(data.schedules):
        if len(set(schedule.days)) != len(schedule.days):
            out.append((f"schedules[{i}].days", f"Opening time {i + 1} lists a day twice."))
        for field, problem in opening_time_problems(schedule.opens_at, schedule.closes_at):
            out.append((f"schedules[{i}].{field}", f"Opening time {i + 1}: {problem}"))
    for field, label in (("phone", "phone number"), ("sms", "text (SMS) number")):
        value = getattr(data, field)
        if value is not None and (problem := phone_problem(label, value)):
            out.append((field, problem))
    if data.email is not None and (problem := email_problem(data.email)):
        out.append(("email", problem))
    if data.url is not None and (problem := url_problem(data.url)):
        out.append(("url", problem))
    return out


def service_problem(data: ServiceIn, topics: frozenset[str]) -> str | None:
    """The first problem with a service, or None."""
    problems = service_problems(data, topics)
    return problems[0][1] if problems else None


def blank_to_none(data: ServiceIn) -> ServiceIn:
    """Empty strings in optional fields mean 'not known'."""
    changes = {}
    for name in OPTIONAL_TEXT:
        value = getattr(data, name)
        if isinstance(value, str):
            stripped = value.strip()
            if stripped != value or not stripped:
                changes[name] = stripped or None
    if data.location is not None:
        loc = {
            k: (getattr(data.location, k) or "").strip() or None
            for k in ("name", "address_1", "city", "postal_code")
        }
        changes["location"] = Location(**loc) if any(loc.values()) else None
    return msgspec.structs.replace(data, **changes) if changes else data


def checked(data: ServiceIn, topics: frozenset[str] | None = None) -> ServiceIn:
    """The service, tidied, or a 400 with the first problem."""
    data = blank_to_none(data)
    if problem := service_problem(data, topics if topics is not None else known_topics()):
        raise Invalid(problem, code="invalid_service")
    return data
