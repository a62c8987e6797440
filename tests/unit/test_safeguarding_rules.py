"""The pure rules of safeguarding alerts (no database): how categories merge, what the
automatic note says, and which kinds exist."""

from __future__ import annotations

import pytest

from backend.safeguarding.services import automatic_note, level_rank, merged_categories, register_source


def test_categories_merge_once_each_most_severe_first() -> None:
    assert merged_categories(["self_harm"], ("risk_to_life", "self_harm"), ["danger_from_others"]) == [
        "risk_to_life", "danger_from_others", "self_harm"]
    assert merged_categories([], None, ()) == []


def test_levels_rank_in_the_engines_order() -> None:
    assert level_rank("urgent") > level_rank("high") > level_rank("medium") > level_rank("none")
    assert level_rank("unknown") == level_rank(None) == 0


def test_the_automatic_note_says_why_and_what_happened_to_the_words() -> None:
    note = automatic_note("post", ["risk_to_life", "danger_from_others"])
    assert note.startswith("Raised automatically") and "risk to life" in note and "danger from someone else" in note
    assert "held and has not been published" in note
    assert "marked at risk" in automatic_note("chat", ["danger_from_others"])
    assert "inbox" in automatic_note("message_thread", ["risk_to_life"])


def test_only_known_kinds_can_describe_their_sources() -> None:
    async def describe(db, ids):  # noqa: ANN001, ANN202 - never called
        return {}

    with pytest.raises(ValueError):
        register_source("journal", describe)
