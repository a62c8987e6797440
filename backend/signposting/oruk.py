"""Open Referral UK / HSDS 3.0: a directory row as an HSDS ``service`` (export and feed)
and an HSDS ``service`` as a Waymark service (import). The shapes are the structs of
``oruk_schemas``; the rules a service must keep are ``validation``'s, reported here with
the path of the ORUK field they concern (``services[3].phones[0].number``).

Ids are UUIDs: a directory id that is not one (a content slug such as ``portsmouth-kooth``)
is published as a stable UUIDv5 derived from it, and an import that names that UUID
updates the same row.
"""

from __future__ import annotations

import re
import types
import typing
import uuid
from typing import Any

import msgspec
from msgspec import UNSET

from backend.signposting.models import DirectoryService
from backend.signposting.oruk_schemas import (
    Address,
    Attribute,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    WaymarkExtensions,
)
from backend.signposting.schemas import ServiceIn
from backend.signposting.taxonomy import (
    REFERRAL_NAMES,
    REFERRAL_VOCAB,
    THRIVE_VOCAB,
    TOPICS_VOCAB,
    derived_id,
    term,
    term_id,
    vocabulary_of,
)
from backend.signposting.validation import blank_to_none, service_problems

BYDAY = {"MO": "mon", "TU": "tue", "WE": "wed", "TH": "thu", "FR": "fri", "SA": "sat", "SU": "sun"}
DAY_CODES = {v: k for k, v in BYDAY.items()}
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
ORUK_TIME = re.compile(r"^(\d\d):(\d\d)(?::(\d\d))?$")
MAX_AGE = 30  # Waymark serves up to 25; a service's upper age is kept up to 30
Found = tuple[str, str]  # (path, what is wrong)


def published_id(directory_id: str) -> str:
    """The service's id in ORUK: its own id when that is a UUID, else a UUIDv5 derived from it."""
    if UUID.match(directory_id):
        return str(uuid.UUID(directory_id))
    return derived_id("service", directory_id)


# --- out: a row as an HSDS service ---------------------------------------------------------------


def _or_unset(value: Any) -> Any:
    return UNSET if value in (None, "", []) else value


def _location(row: DirectoryService, sid: str) -> list[ServiceAtLocation]:
    loc = row.location or {}
    if not any(loc.values()):
        return []
    address: list[Address] = []
    if loc.get("address_1") and loc.get("city") and loc.get("postal_code") and (row.council_code or "").startswith("E"):
        address.append(
            Address(
                id=derived_id("service", row.id, "address"),
                location_id=derived_id("service", row.id, "location"),
                address_1=loc["address_1"],
                city=loc["city"],
                state_province="England",  # every council Waymark serves is English (ONS codes E…)
                postal_code=loc["postal_code"],
                country="GB",
                address_type="physical",
            )
        )
    location = Location(
        id=derived_id("service", row.id, "location"),
        location_type="physical",
        name=_or_unset(loc.get("name")),
        addresses=_or_unset(address),
    )
    return [
        ServiceAtLocation(
            id=derived_id("service", row.id, "service_at_location"),
            service_id=sid,
            location_id=location.id,
            location=location,
        )
    ]


def attribute_codes(row: DirectoryService) -> list[tuple[str, str]]:
    """(taxonomy, code) of every term the service is classified by."""
    out = [(THRIVE_VOCAB, row.thrive)] + [(TOPICS_VOCAB, t) for t in row.topics or []]
    if row.self_referral is not None:
        out.append((REFERRAL_VOCAB, "self_referral" if row.self_referral else "referral_needed"))
    return out


def service_record(row: DirectoryService, *, extensions: bool) -> Service:
    """One directory row as an HSDS 3.0 service. ``extensions``: with Waymark's own fields
    (the council's export); the public feed leaves them out."""
    sid = published_id(row.id)

    def uid(*parts: str) -> str:
        return derived_id("service", row.id, *parts)

    phones = [
        Phone(id=uid(kind), service_id=sid, number=number, type="text" if kind == "sms" else "voice")
        for kind, number in (("phone", row.phone), ("sms", row.sms))
        if number
    ]
    schedules = [
        Schedule(
            id=uid("schedule", str(i)),
            service_id=sid,
            freq="WEEKLY",
            byday=",".join(DAY_CODES[d] for d in s.days),
            opens_at=s.opens_at,
            closes_at=s.closes_at,
        )
        for i, s in enumerate(row.schedules)
    ]
    if row.hours:
        if schedules:
            schedules[0].description = row.hours
        else:
            schedules.append(Schedule(id=uid("schedule", "hours"), service_id=sid, description=row.hours))
    attributes = [
        Attribute(
            id=uid("attribute", vocab, code),
            taxonomy_term_id=term_id(vocab, code),
            link_id=sid,
            link_entity="service",
            taxonomy_term=term(vocab, code),
        )
        for vocab, code in attribute_codes(row)
    ]
    organization = UNSET
    if row.organisation:
        organization = Organization(
            id=derived_id("organization", row.council_code or "national", row.organisation),
            name=row.organisation,
            description=f"{row.organisation} provides {row.name}.",
        )
    ext = UNSET
    if extensions:
        ext = WaymarkExtensions(
            extended_max_age=_or_unset(row.extended_max_age),
            crisis_line=row.crisis_line,
            contact_verified=row.contact_verified,
            note=_or_unset(row.note),
            managed_by=row.managed_by,  # type: ignore[arg-type]
        )
    return Service(
        id=sid,
        name=row.name,
        status=row.status,  # type: ignore[arg-type]
        description=_or_unset(row.description),
        url=_or_unset(row.url),
        email=_or_unset(row.email),
        organization_id=organization.id if organization else UNSET,
        organization=organization,
        eligibility_description=_or_unset(row.eligibility),
        minimum_age=row.min_age,
        maximum_age=row.max_age,
        assured_date=_or_unset(row.reviewed_on),
        last_modified=row.last_modified,
        phones=_or_unset(phones),
        schedules=_or_unset(schedules),
        service_at_locations=_or_unset(_location(row, sid)),
        attributes=_or_unset(attributes),
        waymark_extensions=ext,
    )


# --- in: every problem of a record, with its path -------------------------------------------------

_FORMATS = {
    "format: uuid": "must be a UUID, like 6f0b7c9e-3d0a-4c51-9d54-6a8e2f1b0c11",
    "format: uri": "must be a full address, like https://example.org",
    "format: email": "must be an e-mail address, like team@example.org",
}


def _plain(exc: msgspec.ValidationError, tp: Any) -> str:
    text = re.sub(r" - at `\$[^`]*`$", "", str(exc))
    for meta in getattr(tp, "__metadata__", ()):
        description = getattr(meta, "description", None)
        if description in _FORMATS and "regex" in text:
            return _FORMATS[description]
    return text.replace("Expected", "expected")


def _fits(value: Any, tp: Any) -> str | None:
    try:
        msgspec.convert(value, tp)
    except msgspec.ValidationError as exc:
        return _plain(exc, tp)
    return None


def shape_problems(value: Any, tp: Any, path: str) -> list[Found]:
    """Every place where ``value`` does not fit the type ``tp`` (a struct of
    ``oruk_schemas``), each with its path: not only the first, as msgspec would report."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        inner = typing.get_args(tp)[0]
        if isinstance(inner, type) and issubclass(inner, msgspec.Struct) or typing.get_origin(inner) is list:
            return shape_problems(value, inner, path)
        problem = _fits(value, tp)
        return [(path, problem)] if problem else []
    if origin in (typing.Union, types.UnionType):
        options = [t for t in typing.get_args(tp) if t is not msgspec.UnsetType]
        if len(options) == 1:
            return shape_problems(value, options[0], path)
    if isinstance(tp, type) and issubclass(tp, msgspec.Struct):
        if not isinstance(value, dict):
            return [(path, "must be a JSON object")]
        found: list[Found] = []
        for field in msgspec.structs.fields(tp):
            where = f"{path}.{field.encode_name}" if path else field.encode_name
            if field.encode_name not in value:
                if field.required:
                    found.append((where, "is required"))
                continue
            found += shape_problems(value[field.encode_name], field.type, where)
        return found
    if origin is list:
        if not isinstance(value, list):
            return [(path, "must be a list")]
        (item,) = typing.get_args(tp)
        return [p for i, v in enumerate(value) for p in shape_problems(v, item, f"{path}[{i}]")]
    problem = _fits(value, tp)
    return [(path, problem)] if problem else []


def without_nulls(value: Any) -> Any:
    """A record with its ``null`` fields taken as absent (many systems write them; HSDS's
    schemas do not allow them, and Waymark never sends them)."""
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


def _time(value: str, closing: bool) -> str | None:
    match = ORUK_TIME.match(value.strip())
    if not match:
        return None
    hh, mm, ss = match.groups()
    if closing and (hh, mm, ss) == ("23", "59", "59"):
        return "24:00"  # the HSDS way of writing "until midnight"
    if ss not in (None, "00"):
        return None
    return f"{hh}:{mm}"


def _schedules(record: Service, path: str, found: list[Found]) -> tuple[list[dict[str, Any]], list[str], str | None]:
    """Weekly opening times, the ORUK path of each, and the hours in words."""
    out: list[dict[str, Any]] = []
    paths: list[str] = []
    hours = None
    for i, s in enumerate(record.schedules or []):
        where = f"{path}.schedules[{i}]"
        if s.description and hours is None:
            hours = s.description
        if s.byday is UNSET and s.opens_at is UNSET and s.closes_at is UNSET:
            continue  # opening hours in words only
        if s.freq not in (UNSET, "WEEKLY"):
            found.append((f"{where}.freq", "Waymark keeps weekly opening times (freq WEEKLY)."))
            continue
        days = []
        for code in (s.byday or "").split(","):
            if code.strip().upper() in BYDAY:
                days.append(BYDAY[code.strip().upper()])
            else:
                found.append((f"{where}.byday", 'must be days like "MO,TU,WE".'))
                break
        times = {}
        for key, closing in (("opens_at", False), ("closes_at", True)):
            value = getattr(s, key)
            times[key] = _time(value, closing) if isinstance(value, str) else None
            if times[key] is None:
                found.append((f"{where}.{key}", "must be a time like 09:00 (to the minute)."))
        if days and None not in times.values():
            out.append({"days": days, **times})
            paths.append(where)
    return out, paths, hours


def _attributes(record: Service, path: str, found: list[Found]) -> tuple[dict[str, Any], dict[str, str]]:
    values: dict[str, Any] = {"topics": []}
    paths: dict[str, str] = {}
    for i, attribute in enumerate(record.attributes or []):
        where = f"{path}.attributes[{i}].taxonomy_term"
        t = attribute.taxonomy_term
        if t is UNSET:
            continue  # a term we only know by id: not one of Waymark's
        vocab = vocabulary_of(t.taxonomy or None, t.taxonomy_id or None)
        code = t.code or None
        if vocab is None:
            continue  # another taxonomy: kept by the council's own system, not by Waymark
        if code is None:
            found.append((f"{where}.code", "is required for a Waymark taxonomy term."))
        elif vocab == THRIVE_VOCAB:
            if values.get("thrive") not in (None, code):
                found.append((f"{where}.code", "The service has more than one THRIVE category."))
            values["thrive"] = code
            paths["thrive"] = f"{where}.code"
        elif vocab == TOPICS_VOCAB:
            if code not in values["topics"]:
                paths[f"topics[{len(values['topics'])}]"] = f"{where}.code"
                values["topics"].append(code)
        elif code not in REFERRAL_NAMES:
            found.append((f"{where}.code", "must be self_referral or referral_needed."))
        else:
            values["self_referral"] = code == "self_referral"
    if "thrive" not in values:
        found.append((f"{path}.attributes", 'needs a THRIVE category (a term of taxonomy "thrive").'))
    return values, paths


def _age(value: Any, where: str, found: list[Found], default: int) -> int:
    if value is UNSET:
        return default
    if not float(value).is_integer() or value > MAX_AGE:
        found.append((where, f"must be a whole number of years from 0 to {MAX_AGE}."))
        return default
    return int(value)


def service_in(record: Service, topics: frozenset[str], path: str) -> tuple[ServiceIn | None, list[Found]]:
    """An HSDS service (already the right shape) as a Waymark service, or every rule it breaks."""
    found: list[Found] = []
    values: dict[str, Any] = {
        "name": record.name,
        "description": record.description or "",
        "url": record.url or None,
        "email": record.email or None,
        "status": "active" if record.status == "active" else "inactive",
        "organisation": record.organization.name if record.organization else None,
        "eligibility": record.eligibility_description or None,
        "reviewed_on": record.assured_date or None,
    }
    values["min_age"] = _age(record.minimum_age, f"{path}.minimum_age", found, 0)
    values["max_age"] = _age(record.maximum_age, f"{path}.maximum_age", found, MAX_AGE)
    paths = {"name": "name", "url": "url", "email": "email", "min_age": "minimum_age", "max_age": "maximum_age"}
    for i, phone in enumerate(record.phones or []):
        key = "sms" if (phone.type or "voice").lower() in {"text", "sms"} else "phone"
        if key not in values:
            values[key] = phone.number
            paths[key] = f"phones[{i}].number"
    schedules, schedule_paths, hours = _schedules(record, path, found)
    values["schedules"] = schedules
    values["hours"] = hours
    if record.service_at_locations:
        location = record.service_at_locations[0].location
        address = location.addresses[0] if location and location.addresses else None
        paths["location"] = "service_at_locations[0].location"
        values["location"] = {
            "name": location.name or None if location else None,
            "address_1": address.address_1 if address else None,
            "city": address.city if address else None,
            "postal_code": address.postal_code if address else None,
        }
    more, attribute_paths = _attributes(record, path, found)
    values.update(more)
    ext = record.waymark_extensions
    if ext:
        for key in ("extended_max_age", "crisis_line", "contact_verified", "note"):
            if getattr(ext, key) is not UNSET:
                values[key] = getattr(ext, key)
        paths["extended_max_age"] = "waymark_extensions.extended_max_age"
    if found:
        return None, found
    try:
        data = blank_to_none(msgspec.convert(values, ServiceIn))
    except msgspec.ValidationError as exc:  # a limit of Waymark's beyond HSDS (e.g. 20 topics)
        field = re.search(r"at `\$\.([a-z_]+)", str(exc))
        where = paths.get(field.group(1), field.group(1)) if field else ""
        return None, [(f"{path}.{where}" if where else path, _plain(exc, None))]
    for field, problem in service_problems(data, topics):
        head, _, rest = field.partition(".")
        if head.startswith("schedules["):
            where = schedule_paths[int(head[10:-1])] + (f".{rest}" if rest else "")
        elif head in attribute_paths:
            where = attribute_paths[head]
        else:
            where = f"{path}.{paths.get(head, head)}"
        found.append((where, problem))
    return (None, found) if found else (data, [])
