"""A young person's age today in London and who may join, with an injected clock (no
server): a birthday counts from the start of its month on the London date, so the night a
month turns in British summer time is already the new month; the council's age range and
its extended range for care leavers and young people with an EHCP."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from backend.accounts.services import check_eligibility
from backend.clock import age_today, london_today, use_clock, utcnow
from backend.councils.models import Council
from backend.reports.services import age_band
from backend.signposting.visibility import audience_of_young_person


def utc(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=dt.UTC)


def code_of(exc: BaseException) -> str | None:
    """A refusal's machine-readable code (a domain error's own, or a problem's extra)."""
    return getattr(exc, "code", None) or (getattr(exc, "extra", None) or {}).get("code")


PORTSMOUTH = Council(code="E06000044", name="Portsmouth City Council", short_name="Portsmouth",
                     min_age=11, max_age=18, extended_max_age=25, crisis_lines=[])


def test_a_birthday_counts_from_the_start_of_its_month_in_london() -> None:
    # 31 May 2026 23:30 UTC is 00:30 on 1 June in London (BST): a June birthday is reached
    assert age_today(2012, 6, utc(2026, 5, 31, 23, 30)) == 14
    assert age_today(2012, 6, utc(2026, 5, 31, 22, 30)) == 13  # 23:30 BST, still May
    # in winter London is on UTC: 31 December 23:30 UTC is still the old year
    assert age_today(2012, 1, utc(2026, 12, 31, 23, 30)) == 14
    assert age_today(2012, 1, utc(2027, 1, 1, 0, 0)) == 15


def test_unknown_birth_dates_have_no_age() -> None:
    assert age_today(None, None, utc(2026, 6, 1)) is None
    assert age_today(2010, None, utc(2026, 6, 1)) is None
    assert age_band(None) is None
    assert age_band(age_today(2012, 6, utc(2026, 6, 1))) == "14-15"
    assert age_band(10) == "other" and age_band(26) == "other" and age_band(25) == "22-25"


def test_the_injected_clock_is_used_and_put_back() -> None:
    with use_clock(utc(2026, 3, 29, 0, 30)):
        assert utcnow() == utc(2026, 3, 29, 0, 30)
        assert london_today() == dt.date(2026, 3, 29)
        assert age_today(2015, 3) == 11  # "today" is the injected day
    assert abs(utcnow() - dt.datetime.now(dt.UTC)) < dt.timedelta(seconds=5)  # the real clock again
    with use_clock(lambda: utc(2026, 10, 25, 1, 30)):  # a function works too: the repeated hour, in GMT
        assert utcnow() == utc(2026, 10, 25, 1, 30) and london_today() == dt.date(2026, 10, 25)
    with pytest.raises(ValueError), use_clock(dt.datetime(2026, 1, 1)):  # a naive time is refused
        pass


@pytest.mark.parametrize(("born", "at", "extended", "allowed"), [
    ((2015, 6), utc(2026, 5, 31, 23, 30), None, True),    # 11 on the London date (still 10 by UTC)
    ((2015, 6), utc(2026, 5, 31, 22, 30), None, False),   # 10
    ((2007, 12), utc(2026, 11, 30, 12, 0), None, True),   # 18
    ((2007, 11), utc(2026, 11, 1, 0, 0), None, False),    # 19
    ((2007, 11), utc(2026, 11, 1, 0, 0), "care_leaver", True),
    ((2001, 1), utc(2026, 6, 1), "ehcp", True),           # 25: the extended top
    ((2000, 1), utc(2026, 6, 1), "ehcp", False),          # 26
])
def test_eligibility_by_the_councils_age_range(born: tuple[int, int], at: dt.datetime, extended: str | None,
                                               allowed: bool) -> None:
    if allowed:
        check_eligibility(PORTSMOUTH, *born, extended, at)
        return
    with pytest.raises(Exception) as refused:  # noqa: B017 - a refusal, whatever its class
        check_eligibility(PORTSMOUTH, *born, extended, at)
    assert code_of(refused.value) == "not_eligible"


def test_the_refusal_points_somewhere_kind_and_real() -> None:
    with pytest.raises(Exception) as young:  # noqa: B017
        check_eligibility(PORTSMOUTH, 2017, 1, None, utc(2026, 6, 1))
    assert "Childline" in young.value.detail and "0800 1111" in young.value.detail
    with pytest.raises(Exception) as old:  # noqa: B017
        check_eligibility(PORTSMOUTH, 2000, 1, None, utc(2026, 6, 1))
    assert "85258" in old.value.detail and "116 123" in old.value.detail
    assert "care leavers" in old.value.detail  # told about the extended range


def test_the_services_a_young_person_sees_follow_the_same_age() -> None:
    user = SimpleNamespace(council_code="E06000044", birth_year=2012, birth_month=6, extended_eligibility=None)
    assert audience_of_young_person(user, utc(2026, 5, 31, 23, 30)).age == 14
    assert audience_of_young_person(user, utc(2026, 5, 31, 22, 30)).age == 13
    staff = SimpleNamespace(council_code=None, birth_year=None, birth_month=None, extended_eligibility=None)
    assert audience_of_young_person(staff).age is None
