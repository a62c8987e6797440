"""Open Referral UK / HSDS 3.0: a council's directory as JSON, out (export) and in (import).

Each valid record of an import is applied in its own savepoint (all of it or none of it);
each invalid one is reported and not applied.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import msgspec
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.errors import Problem
from backend.signposting.cache import forget_after_commit
from backend.signposting.directory import council_services
from backend.signposting.models import DirectoryService, utcnow
from backend.signposting.rows import apply, new_row, values_of
from backend.signposting.schemas import ImportProblem, ImportReport, ServiceIn
from backend.signposting.validation import blank_to_none, known_topics, service_problem

BYDAY = {"MO": "mon", "TU": "tue", "WE": "wed", "TH": "thu", "FR": "fri", "SA": "sat", "SU": "sun"}
DAY_CODES = {v: k for k, v in BYDAY.items()}
ORUK_NAMESPACE = uuid.UUID("6f0b7c9e-3d0a-4c51-9d54-6a8e2f1b0c11")
MAX_IMPORT_RECORDS = 5000
EXTENSIONS = "waymark_extensions"


class OrukProblem(ValueError):
    """Why one ORUK record cannot be taken in."""


def _obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise OrukProblem(f"{where} must be a JSON object.")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise OrukProblem(f"{where} must be a list.")
    return value


def _text(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise OrukProblem(f"{where} must be text.")
    return value


def _whole_number(value: Any, where: str) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise OrukProblem(f"{where} must be a whole number.")
    return value


def _oruk_time(value: Any, where: str, closing: bool) -> str:
    text = _text(value, where)
    if text is None:
        raise OrukProblem(f"{where} is missing.")
    match = re.fullmatch(r"(\d\d):(\d\d)(?::(\d\d))?", text.strip())
    if not match:
        raise OrukProblem(f"{where} must be a time like 09:00.")
    hh, mm, ss = match.groups()
    if closing and (hh, mm, ss) == ("23", "59", "59"):
        return "24:00"  # the HSDS way of writing "until midnight"
    if ss not in (None, "00"):
        raise OrukProblem(f"{where}: Waymark keeps opening times to the minute.")
    return f"{hh}:{mm}"


def _oruk_days(value: Any, where: str) -> list[str]:
    if isinstance(value, str):
        codes = [part.strip().upper() for part in value.split(",") if part.strip()]
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        codes = [v.strip().upper() for v in value]
    else:
        raise OrukProblem(f'{where} must be days like "MO,TU,WE".')
    days = []
    for code in codes:
        if code not in BYDAY:
            raise OrukProblem(f"{where}: {code!r} is not a day (use MO, TU, WE, TH, FR, SA, SU).")
        days.append(BYDAY[code])
    if not days:
        raise OrukProblem(f"{where} names no day.")
    return days


def oruk_to_service(record: Any) -> tuple[str, ServiceIn]:
    """One HSDS 3.0 service → (id, ServiceIn). Raises OrukProblem (or msgspec.ValidationError)."""
    record = _obj(record, "Each service")
    service_id = record.get("id")
    if service_id is None or (isinstance(service_id, str) and not service_id.strip()):
        raise OrukProblem("The service has no id. Every service needs a unique id.")
    if not isinstance(service_id, str):
        raise OrukProblem("The service id must be text.")
    values: dict[str, Any] = {"id": service_id.strip()}
    for key in ("name", "description", "url", "email"):
        values[key] = _text(record.get(key), key)
    if values["description"] is None:
        values["description"] = ""
    status = _text(record.get("status"), "status")
    if status is None or status == "active":
        values["status"] = "active"
    elif status in {"inactive", "defunct", "temporarily closed"}:
        values["status"] = "inactive"
    else:
        raise OrukProblem('status must be "active" or "inactive".')
    if (org := record.get("organization")) is not None:
        values["organisation"] = _text(_obj(org, "organization").get("name"), "organization.name")
    for i, phone in enumerate(_list(record.get("phones"), "phones")):
        phone = _obj(phone, f"phones[{i}]")
        number = _text(phone.get("number"), f"phones[{i}].number")
        kind = (_text(phone.get("type"), f"phones[{i}].type") or "voice").lower()
        key = "sms" if kind in {"text", "sms"} else "phone"
        if number and values.get(key) is None:
            values[key] = number
    values["eligibility"] = _text(record.get("eligibility_description"), "eligibility_description")
    minimum = _whole_number(record.get("minimum_age"), "minimum_age")
    maximum = _whole_number(record.get("maximum_age"), "maximum_age")
    values["min_age"] = 0 if minimum is None else minimum
    values["max_age"] = (
        30 if maximum is None else maximum
    )  # no upper age given: open to every age Waymark serves
    schedules = []
    for i, schedule in enumerate(_list(record.get("schedules"), "schedules")):
        schedule = _obj(schedule, f"schedules[{i}]")
        hours = _text(schedule.get("description"), f"schedules[{i}].description")
        if hours and values.get("hours") is None:
            values["hours"] = hours
        if all(schedule.get(k) is None for k in ("byday", "opens_at", "closes_at")):
            continue  # a schedule in words only
        freq = schedule.get("freq")
        if freq is not None and (not isinstance(freq, str) or freq.upper() != "WEEKLY"):
            raise OrukProblem(f"schedules[{i}].freq: Waymark keeps weekly opening times (freq WEEKLY).")
        schedules.append(
            {
                "days": _oruk_days(schedule.get("byday"), f"schedules[{i}].byday"),
                "opens_at": _oruk_time(schedule.get("opens_at"), f"schedules[{i}].opens_at", closing=False),
                "closes_at": _oruk_time(schedule.get("closes_at"), f"schedules[{i}].closes_at", closing=True),
            }
        )
    values["schedules"] = schedules
    locations = _list(record.get("service_at_locations"), "service_at_locations")
    if locations:
        location = _obj(
            _obj(locations[0], "service_at_locations[0]").get("location") or {},
            "service_at_locations[0].location",
        )
        addresses = _list(location.get("address"), "location.address")
        address = _obj(addresses[0], "location.address[0]") if addresses else {}
        values["location"] = {
            "name": _text(location.get("name"), "location.name"),
            "address_1": _text(address.get("address_1"), "address_1"),
            "city": _text(address.get("city"), "city"),
            "postal_code": _text(address.get("postal_code"), "postal_code"),
        }
    thrive = None
    topics: list[str] = []
    for i, attribute in enumerate(_list(record.get("attributes"), "attributes")):
        term = _obj(
            _obj(attribute, f"attributes[{i}]").get("taxonomy_term") or {}, f"attributes[{i}].taxonomy_term"
        )
        vocabulary = term.get("vocabulary")
        code = _text(term.get("code"), f"attributes[{i}].taxonomy_term.code")
        if vocabulary == "thrive":
            if thrive is not None and code != thrive:
                raise OrukProblem("The service has more than one THRIVE category.")
            thrive = code
        elif vocabulary == "waymark-topics":
            if code and code not in topics:
                topics.append(code)
        elif vocabulary == "waymark-referral":
            if code not in {"self_referral", "referral_needed"}:
                raise OrukProblem("waymark-referral must be self_referral or referral_needed.")
            values["self_referral"] = code == "self_referral"
    if thrive is None:
        raise OrukProblem('The service needs a THRIVE category (an attribute with vocabulary "thrive").')
    values["thrive"] = thrive
    values["topics"] = topics
    reviewed = record.get("reviewed_on", record.get("assured_date"))
    values["reviewed_on"] = _text(reviewed, "reviewed_on")
    extensions = record.get(EXTENSIONS)
    if extensions is not None:
        extensions = _obj(extensions, EXTENSIONS)
        for key in ("extended_max_age", "crisis_line", "contact_verified", "note"):
            if extensions.get(key) is not None:
                values[key] = extensions[key]
    if values.get("name") is None:
        raise OrukProblem("The service has no name.")
    return values["id"], msgspec.convert(values, ServiceIn)


def service_to_oruk(row: DirectoryService) -> dict[str, Any]:
    """One service as HSDS 3.0 / Open Referral UK JSON (Waymark's extra fields under
    ``waymark_extensions``)."""

    def uid(*parts: str) -> str:
        return str(uuid.uuid5(ORUK_NAMESPACE, "/".join(parts)))

    phones = []
    if row.phone:
        phones.append(
            {"id": uid(row.id, "phone"), "service_id": row.id, "number": row.phone, "type": "voice"}
        )
    if row.sms:
        phones.append({"id": uid(row.id, "sms"), "service_id": row.id, "number": row.sms, "type": "text"})
    schedules = [
        {
            "id": uid(row.id, "schedule", str(i)),
            "service_id": row.id,
            "freq": "WEEKLY",
            "byday": ",".join(DAY_CODES[d] for d in s.days),
            "opens_at": s.opens_at,
            "closes_at": s.closes_at,
        }
        for i, s in enumerate(row.schedules)
    ]
    if row.hours:
        if schedules:
            schedules[0]["description"] = row.hours
        else:
            schedules.append(
                {"id": uid(row.id, "schedule", "hours"), "service_id": row.id, "description": row.hours}
            )
    attributes = [{"taxonomy_term": {"vocabulary": "thrive", "code": row.thrive, "name": row.thrive}}]
    attributes += [
        {"taxonomy_term": {"vocabulary": "waymark-topics", "code": t, "name": t}} for t in row.topics or []
    ]
    if row.self_referral is not None:
        code = "self_referral" if row.self_referral else "referral_needed"
        attributes.append({"taxonomy_term": {"vocabulary": "waymark-referral", "code": code, "name": code}})
    for attribute in attributes:
        term = attribute["taxonomy_term"]
        term["id"] = uid("taxonomy", term["vocabulary"], term["code"])
        attribute["id"] = uid(row.id, "attribute", term["vocabulary"], term["code"])
        attribute["link_entity"] = "service"
        attribute["link_id"] = row.id
    locations = []
    if row.location:
        loc = row.location
        locations.append(
            {
                "id": uid(row.id, "service_at_location"),
                "service_id": row.id,
                "location": {
                    "id": uid(row.id, "location"),
                    "location_type": "physical",
                    "name": loc.get("name"),
                    "address": [
                        {
                            "id": uid(row.id, "address"),
                            "address_1": loc.get("address_1"),
                            "city": loc.get("city"),
                            "postal_code": loc.get("postal_code"),
                            "country": "GB",
                            "address_type": "physical",
                        }
                    ],
                },
            }
        )
    return {
        "id": row.id,
        "name": row.name,
        "description": row.description,
        "url": row.url,
        "email": row.email,
        "status": row.status,
        "organization": (
            {
                "id": uid("organization", row.council_code or "national", row.organisation),
                "name": row.organisation,
            }
            if row.organisation
            else None
        ),
        "phones": phones,
        "schedules": schedules,
        "eligibility_description": row.eligibility,
        "minimum_age": row.min_age,
        "maximum_age": row.max_age,
        "service_at_locations": locations,
        "attributes": attributes,
        "assured_date": row.reviewed_on.isoformat() if row.reviewed_on else None,
        "reviewed_on": row.reviewed_on.isoformat() if row.reviewed_on else None,
        "last_modified": row.last_modified.isoformat(),
        EXTENSIONS: {
            "extended_max_age": row.extended_max_age,
            "crisis_line": row.crisis_line,
            "contact_verified": row.contact_verified,
            "note": row.note,
            "managed_by": row.managed_by,
        },
    }


async def export_oruk(db: AsyncSession, council_code: str) -> dict[str, Any]:
    rows = await council_services(db, council_code)
    return {
        "services": [service_to_oruk(row) for row in rows],
        "total_items": len(rows),
        "council_code": council_code,
        "exported_at": utcnow().isoformat(),
        "standard": "HSDS 3.0 / Open Referral UK (Waymark fields under waymark_extensions)",
    }


def oruk_records(document: Any) -> list[Any]:
    """The services of a document: {"services": [...]}, a bare list, or an HSDS page {"contents": [...]}."""
    if isinstance(document, list):
        records = document
    elif isinstance(document, dict) and isinstance(document.get("services"), list):
        records = document["services"]
    elif isinstance(document, dict) and isinstance(document.get("contents"), list):
        records = document["contents"]
    else:
        raise Problem(
            400, 'An Open Referral UK file is {"services": [...]} (or a list of services).', code="not_oruk"
        )
    if len(records) > MAX_IMPORT_RECORDS:
        raise Problem(
            400, f"A file can hold up to {MAX_IMPORT_RECORDS} services. Please split it.", code="too_many"
        )
    return records


def _detail(exc: Exception) -> str:
    if isinstance(exc, msgspec.ValidationError):
        return f"Not valid: {exc}"
    return str(exc)


async def import_oruk(db: AsyncSession, council_code: str, document: Any) -> ImportReport:
    """Take in an ORUK document for the council. Each valid record is applied in its own
    savepoint (all of it or none of it); each invalid one is reported with its index and id
    and not applied. An id seen twice in one document: the repeats are refused."""
    forget_after_commit(db)
    topics = known_topics()
    created = updated = 0
    errors: list[ImportProblem] = []
    seen: set[str] = set()
    for index, record in enumerate(oruk_records(document)):
        raw_id = record.get("id") if isinstance(record, dict) else None
        reported_id = raw_id.strip() if isinstance(raw_id, str) and raw_id.strip() else msgspec.UNSET
        try:
            service_id, data = oruk_to_service(record)
            if service_id in seen:
                raise OrukProblem(
                    "This id appears more than once in the file; only its first record was taken."
                )
            seen.add(service_id)
            data = blank_to_none(data)
            if problem := service_problem(data, topics):
                raise OrukProblem(problem)
            async with db.begin_nested():
                row = await db.get(DirectoryService, service_id)
                if row is not None and row.council_code != council_code:
                    raise OrukProblem("This id belongs to a service outside this council's directory.")
                if row is None:
                    db.add(new_row(service_id, council_code, values_of(data), managed_by="council"))
                    await db.flush()
                    created += 1
                else:
                    apply(row, values_of(data))
                    row.managed_by = "council"
                    await db.flush()
                    updated += 1
        except (OrukProblem, msgspec.ValidationError, IntegrityError) as exc:
            detail = "This record could not be saved." if isinstance(exc, IntegrityError) else _detail(exc)
            errors.append(ImportProblem(index=index, id=reported_id, detail=detail))
    return ImportReport(created=created, updated=updated, errors=errors)
