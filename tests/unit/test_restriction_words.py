"""The words a restricted young person reads and when a restriction is in force: pure
rules, no server."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from backend.restrictions.models import AccountRestriction
from backend.restrictions.standing import ends_words, kind_message, status_of, strongest
from backend.review.reasons import ACCOUNT_REASONS, KIND_WORDS, STILL_HERE

NOW = dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.UTC)


def restriction(kind: str = "suspend", **fields) -> AccountRestriction:
    return AccountRestriction(id=uuid.uuid4(), user_id=uuid.uuid4(), kind=kind, reason_code="unsafe_contact",
                              created_at=fields.pop("created_at", NOW - dt.timedelta(hours=1)), **fields)


def test_the_end_is_said_in_london_time() -> None:
    assert ends_words(None) == "It lasts until a moderator lifts it."
    assert ends_words(dt.datetime(2026, 12, 3, 23, 59, tzinfo=dt.UTC)) == "It ends on Thursday 3 December 2026 at 11:59pm."
    # British Summer Time: 17:00 UTC is 6pm in London
    assert ends_words(dt.datetime(2026, 7, 1, 17, 0, tzinfo=dt.UTC)) == "It ends on Wednesday 1 July 2026 at 6pm."


@pytest.mark.parametrize("reason", [r["code"] for r in ACCOUNT_REASONS])
@pytest.mark.parametrize("kind", ["hold_all", "suspend"])
def test_every_message_says_what_they_keep(kind: str, reason: str) -> None:
    message = kind_message(kind, reason, None)
    assert message.startswith(KIND_WORDS[kind]) and message.endswith(STILL_HERE)
    assert "crisis lines" in message and "counsellor" in message
    assert len(message.split()) < 90  # short enough to read on a phone


def test_a_warning_has_no_end_and_stops_nothing() -> None:
    message = kind_message("warn", "board_rules", None)
    assert "warning" in message and "still use everything" in message and "ends" not in message


def test_when_a_restriction_is_in_force() -> None:
    assert status_of(restriction(), NOW) == "in_force"
    assert status_of(restriction(until=NOW + dt.timedelta(minutes=1)), NOW) == "in_force"
    assert status_of(restriction(until=NOW), NOW) == "expired"
    assert status_of(restriction(lifted_at=NOW - dt.timedelta(minutes=5)), NOW) == "lifted"
    assert status_of(restriction("warn"), NOW) == "in_force"
    assert status_of(restriction("warn", seen_at=NOW), NOW) == "seen"
    assert status_of(restriction("suspend", seen_at=NOW), NOW) == "in_force"  # only a warning ends when read


def test_the_strongest_restriction_wins() -> None:
    warn, hold, suspend = restriction("warn"), restriction("hold_all"), restriction("suspend")
    assert strongest([warn, suspend, hold]) is suspend
    assert strongest([warn, hold]) is hold
    assert strongest([]) is None
