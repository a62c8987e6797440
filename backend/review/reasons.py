"""Reason templates: what a moderator picks when a post can't go up, and the kind words
its author then reads. Plain words, reading age about 11; never a method, never blame."""

from __future__ import annotations

REASONS: list[dict[str, str]] = [
    {
        "code": "personal_details",
        "label": "Shares personal details",
        "message": "We couldn't post this because it shares details that could identify someone, like a name, "
                   "school or phone number. You're welcome to post again without them.",
    },
    {
        "code": "unkind",
        "label": "Unkind or bullying",
        "message": "We couldn't post this because some of it could upset or hurt someone. Everyone here is "
                   "going through something, so please keep it kind. You're welcome to post again.",
    },
    {
        "code": "not_safe_to_share",
        "label": "Not safe to share on the boards",
        "message": "Thank you for trusting us with this. We couldn't post it because it could be hard for "
                   "other young people to read. Your feelings matter: a counsellor can talk with you about "
                   "it, and the crisis lines are free and open any time.",
    },
    {
        "code": "off_topic",
        "label": "Off topic",
        "message": "We couldn't post this here because it doesn't fit this board. Have a look at the other "
                   "boards, or try Just chat. You're welcome to post again.",
    },
    {
        "code": "spam",
        "label": "Spam",
        "message": "We couldn't post this because it looks like spam, or the same thing posted many times. "
                   "If we got this wrong, please try again in your own words.",
    },
    {
        "code": "advertising",
        "label": "Advertising or links",
        "message": "We couldn't post this because it advertises something or links to another site. "
                   "Waymark's boards are for talking and supporting each other. You're welcome to post again.",
    },
]

REASONS_BY_CODE = {r["code"]: r for r in REASONS}

# What the author reads when the engine finds an admin "block" word (no human involved).
BLOCKED_MESSAGE = ("We couldn't post this because it uses words that aren't allowed on Waymark's boards. "
                   "You're welcome to post again without them.")
