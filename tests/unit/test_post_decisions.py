"""What happens to a new forum post, by what the moderation engine found and the forum's
policy (pure, no server): risk always reaches a human, a block word rejects, anything
flagged waits for a moderator, and only a clean post by a known author may publish itself
when the admin has switched auto-publish on."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from backend.forums.services import Findings, status_by_rules

OFF = SimpleNamespace(auto_publish=False, auto_publish_min_approved=5)
ON = SimpleNamespace(auto_publish=True, auto_publish_min_approved=5)


def found(level: str = "none", categories: tuple[str, ...] = (), action: str = "publish_ok",
          needs_support: bool = False) -> Findings:
    return Findings(level=level, categories=list(categories), spans=[], action=action, needs_support=needs_support)


@pytest.mark.parametrize("settings", [OFF, ON])
def test_risk_is_held_for_a_human_whatever_else_is_true(settings: SimpleNamespace) -> None:
    risky = found("urgent", ("risk_to_life",), action="block", needs_support=True)
    assert status_by_rules(risky, settings, approved=100) == "held"


def test_a_block_word_rejects_and_a_hold_word_waits() -> None:
    assert status_by_rules(found(action="block"), ON, approved=100) == "rejected"
    assert status_by_rules(found(action="hold"), ON, approved=100) == "pending"


@pytest.mark.parametrize("level", ["medium", "high", "urgent"])
def test_medium_risk_or_more_waits_for_a_moderator(level: str) -> None:
    assert status_by_rules(found(level, ("bullying",)), ON, approved=100) == "pending"


def test_pre_moderation_is_the_default() -> None:
    assert status_by_rules(found(), OFF, approved=100) == "pending"


def test_auto_publish_only_for_clean_posts_by_authors_with_enough_approved_posts() -> None:
    assert status_by_rules(found(), ON, approved=5) == "published"
    assert status_by_rules(found(), ON, approved=4) == "pending"
    assert status_by_rules(found("low"), ON, approved=50) == "pending"
    assert status_by_rules(found("none", ("personal_details",)), ON, approved=50) == "pending"
