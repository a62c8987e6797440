"""Who sees which service: a young person sees their council's active services that fit
their age (a care leaver or a young person with an EHCP also fits a service's
``extended_max_age``), then national ones; open now first within each group, then those
whose hours we don't know, then those closed now. A service with no way to contact it
(no phone, text number, e-mail or website) is never shown to a young person nor offered to
a counsellor to share: its council's console lists it under "needs contact details".
Pure rules over rows already loaded."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import msgspec

from backend.clock import age_today
from backend.errors import Invalid
from backend.signposting.hours import hours_note, open_state
from backend.signposting.models import THRIVE, DirectoryService
from backend.signposting.schemas import ServiceItem
from backend.signposting.validation import known_topics

OPEN_FIRST = {True: 0, None: 1, False: 2}  # open now, hours unknown, closed now


@dataclass(frozen=True)
class Audience:
    """Whose services: a council (None: national only) and an age (None: any age)."""

    council_code: str | None
    age: int | None = None
    extended: bool = False


def audience_of_young_person(user: Any, at: dt.datetime | None = None) -> Audience:
    return Audience(council_code=user.council_code, age=age_today(user.birth_year, user.birth_month, at),
                    extended=user.extended_eligibility is not None)


def topic_and_thrive(topic: str | None, thrive: str | None) -> tuple[str | None, str | None]:
    """The filters, tidied, or a 400 for an unknown topic or THRIVE category."""
    topic = (topic or "").strip() or None
    thrive = (thrive or "").strip() or None
    if topic is not None and topic not in known_topics():
        raise Invalid("We don't know that topic. Use one from /api/v1/topics.", code="unknown_topic")
    if thrive is not None and thrive not in THRIVE:
        raise Invalid("thrive must be thriving, getting_advice, getting_help, getting_more_help or "
            "getting_risk_support.",
            code="unknown_thrive",
        )
    return topic, thrive


def has_contact(row: DirectoryService) -> bool:
    """Someone can reach the service: a phone or text number, an e-mail address or a website."""
    return bool(row.phone or row.sms or row.email or row.url)


def fits(row: DirectoryService, audience: Audience, topic: str | None, thrive: str | None) -> bool:
    """The row can be contacted and is for the audience's age (and the topic and THRIVE
    category asked for)."""
    if not has_contact(row):
        return False
    if audience.age is not None:
        upper = (row.extended_max_age or row.max_age) if audience.extended else row.max_age
        if not row.min_age <= audience.age <= upper:
            return False
    if topic is not None and topic not in (row.topics or []):
        return False
    return thrive is None or row.thrive == thrive


def _unset_if_none(value: Any) -> Any:
    return msgspec.UNSET if value in (None, "") else value


def service_item(row: DirectoryService, now: dt.datetime) -> ServiceItem:
    state = open_state(row, now)
    return ServiceItem(
        id=row.id,
        name=row.name,
        description=row.description,
        thrive=row.thrive,
        topics=list(row.topics or []),
        min_age=row.min_age,
        max_age=row.max_age,
        self_referral=row.self_referral,
        open_now=state,
        hours_note=_unset_if_none(hours_note(row, state)),
        national=row.council_code is None,
        council_code=row.council_code,
        organisation=row.organisation,
        eligibility=row.eligibility,
        hours=row.hours,
        phone=_unset_if_none(row.phone),
        sms=_unset_if_none(row.sms),
        email=_unset_if_none(row.email),
        url=_unset_if_none(row.url),
        extended_max_age=_unset_if_none(row.extended_max_age),
    )


def items_for(
    rows: list[DirectoryService],
    audience: Audience,
    *,
    topic: str | None,
    thrive: str | None,
    open_now: bool,
    now: dt.datetime,
) -> list[ServiceItem]:
    """The audience's items among ``rows``: local ones, then national; open now first
    within each group (then by name)."""
    items = [service_item(row, now) for row in rows if fits(row, audience, topic, thrive)]
    if open_now:
        items = [item for item in items if item.open_now]
    items.sort(key=lambda i: (i.national, OPEN_FIRST[i.open_now], i.name.lower(), i.id))
    return items
