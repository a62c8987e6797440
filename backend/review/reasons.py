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

# --- acting on an account (backend/restrictions) ------------------------------------------------
# What a moderator picks when they warn, hold or suspend an account. The young person reads the
# kind's words, then the reason's, then what they can still use (never less than the crisis
# lines, the journal, the library, a counsellor and messages to the team).

ACCOUNT_REASONS: list[dict[str, str]] = [
    {
        "code": "unsafe_contact",
        "label": "Asking people to talk elsewhere, for photos or their age",
        "message": "Some of your posts asked people to talk on another app, to send photos, or to say how old "
                   "they are. That can put young people in danger, so it isn't allowed here.",
    },
    {
        "code": "sharing_details",
        "label": "Keeps sharing personal details",
        "message": "Some of your posts shared details that could identify you or someone else, like a name, "
                   "a school, a phone number or a social media name. We want to keep everyone safe.",
    },
    {
        "code": "unkind_posts",
        "label": "Unkind or bullying posts",
        "message": "Some of your posts could upset or hurt other people. Everyone here is going through "
                   "something, so we ask everyone to be kind.",
    },
    {
        "code": "spam_posts",
        "label": "Spam, adverts or the same post many times",
        "message": "A lot of your posts were spam, adverts, or the same thing posted many times.",
    },
    {
        "code": "board_rules",
        "label": "Not keeping to the board rules",
        "message": "Some of your posts didn't keep to the rules of Waymark's boards.",
    },
]

ACCOUNT_REASONS_BY_CODE = {r["code"]: r for r in ACCOUNT_REASONS}

KIND_WORDS = {
    "warn": "This is a friendly warning from Waymark's moderators about your posts on the boards.",
    "hold_all": "For now, a moderator will read each of your posts before anyone else can see them.",
    "suspend": "For now, you can't post, reply, react or report on the boards.",
}

STILL_HERE = ("You can still use your journal, the library and the crisis lines, talk to a counsellor, "
              "and message the team at any time.")

WARN_CLOSING = "You can still use everything on Waymark. Please keep to the board rules so everyone stays safe."
