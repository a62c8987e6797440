"""The meta document: risk-level labels and writing limits, read from the rules that
enforce them (nothing here is a copy of a number)."""

from __future__ import annotations

from functools import cache

from backend.chat.services import MAX_MESSAGE_CHARS
from backend.chat.toolkit import MAX_NOTE_CHARS, MAX_WHISPER_CHARS
from backend.forums.schemas import BODY_MAX, REASON_MAX, TITLE_MAX
from backend.journal.schemas import BODY_MAX_CHARS, MAX_FEELINGS, NOTE_MAX_CHARS, TITLE_MAX_CHARS
from backend.messages.services import MAX_BODY_CHARS, MAX_SUBJECT_CHARS
from backend.meta.schemas import MetaOut, RiskLevelOut
from moderation import LEVELS

# The one place a risk level gets its words (staff screens add "risk" where they need it).
RISK_LEVEL_LABELS = {"none": "None", "low": "Low", "medium": "Medium", "high": "High", "urgent": "Urgent"}


@cache
def meta_document() -> MetaOut:
    """`{risk_levels: [{level, label}], limits: {name: characters (or items)}}`, lowest level first."""
    return MetaOut(
        risk_levels=[RiskLevelOut(level=level, label=RISK_LEVEL_LABELS[level]) for level in LEVELS],
        limits={
            "mood_note": NOTE_MAX_CHARS,
            "mood_feelings": MAX_FEELINGS,
            "journal_entry": BODY_MAX_CHARS,
            "goal_title": TITLE_MAX_CHARS,
            "post_title": TITLE_MAX,
            "post_body": BODY_MAX,
            "report_reason": REASON_MAX,
            "message_subject": MAX_SUBJECT_CHARS,
            "message_body": MAX_BODY_CHARS,
            "chat_message": MAX_MESSAGE_CHARS,
            "handover_note": MAX_NOTE_CHARS,
            "whisper": MAX_WHISPER_CHARS,
        },
    )
