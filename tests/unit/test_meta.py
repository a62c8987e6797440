"""The meta document (GET /api/v1/meta) as a pure rule: every level the engine can give has
a label, lowest first, and each limit is the number the rule that enforces it uses."""

from __future__ import annotations

from backend.chat.services import MAX_MESSAGE_CHARS
from backend.forums.schemas import BODY_MAX
from backend.journal.schemas import BODY_MAX_CHARS, NOTE_MAX_CHARS
from backend.meta.services import meta_document
from moderation import LEVELS


def test_every_engine_level_has_a_label_in_order() -> None:
    levels = meta_document().risk_levels
    assert [r.level for r in levels] == list(LEVELS)
    assert all(r.label and r.label[0].isupper() for r in levels)


def test_the_limits_are_the_enforced_numbers() -> None:
    limits = meta_document().limits
    assert limits["journal_entry"] == BODY_MAX_CHARS
    assert limits["mood_note"] == NOTE_MAX_CHARS
    assert limits["post_body"] == BODY_MAX
    assert limits["chat_message"] == MAX_MESSAGE_CHARS
    assert all(isinstance(v, int) and v > 0 for v in limits.values())
