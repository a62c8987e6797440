"""The rules a username and a password must meet. Pure functions, no I/O."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

USERNAME_MIN, USERNAME_MAX = 3, 20
PASSWORD_MIN, PASSWORD_MAX = 10, 128

_USERNAME_CHARS = re.compile(r"^[A-Za-z0-9_-]+$")
_DIGIT_RUN = re.compile(r"\d{4,}")
# Words that make a name pose as Waymark's team or a service, matched anywhere inside
# the name's look-alike skeleton ("Waymark_Team", "NHS_Support", "adm1n")...
_RESERVED_INSIDE = (
    "waymark", "admin", "moderator", "counsellor", "counselor", "childline", "samaritans", "official",
    "support", "helpline", "nhs", "police", "safeguard", "therapist", "kooth", "papyrus",
)
# ... and short ones only as a whole part of it ("Team_Sam", "mod" but not "model").
_RESERVED_PARTS = frozenset({"mod", "staff", "team", "root", "system", "shout", "help", "gp", "doctor", "nurse",
                             "official", "sysop", "owner"})
_PARTS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
# Letter pairs that read as one letter at a glance.
_PAIRS = (("rn", "m"), ("vv", "w"))


def username_problem(username: str) -> str | None:
    """Why a username cannot be used, in words a young person understands, or None."""
    name = username.strip()
    if not USERNAME_MIN <= len(name) <= USERNAME_MAX:
        return f"Your username needs {USERNAME_MIN} to {USERNAME_MAX} characters."
    if "@" in name or "." in name:
        return "Please don't use an e-mail address as your username. Pick a made-up name."
    if not _USERNAME_CHARS.match(name):
        return "Use only letters, numbers, _ or - in your username."
    if _DIGIT_RUN.search(name) or sum(ch.isdigit() for ch in name) > 5:
        return "Please don't use long numbers (like a phone number or a birth year) in your username."
    if _poses_as_staff(name):
        return "That name sounds like Waymark's team or a service. Please pick another one."
    return None


@lru_cache(maxsize=1)
def _lookalike_table() -> dict[int, str]:
    """Characters that pass for letters, from the moderation engine's own l33t data, plus
    the ASCII letters that pass for each other (I, l and 1; O and 0), and separators."""
    from moderation import Rules

    table = {**Rules.default().normaliser.leet, "l": "i", "_": "", "-": ""}
    return str.maketrans(table)


def username_skeleton(name: str) -> str:
    """What a name looks like at a glance: case, look-alike characters and separators
    folded. Two names with one skeleton ("Lily_x", "IiIy_x", "l1ly-x") cannot both exist."""
    folded = unicodedata.normalize("NFKC", name.strip()).casefold()
    for pair, letter in _PAIRS:
        folded = folded.replace(pair, letter)
    return folded.translate(_lookalike_table())


def _poses_as_staff(name: str) -> bool:
    skeleton = username_skeleton(name)
    if any(username_skeleton(word) in skeleton for word in _RESERVED_INSIDE):
        return True
    parts = {username_skeleton(part) for part in _PARTS.findall(name)}
    return bool(parts & {username_skeleton(word) for word in _RESERVED_PARTS})


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, username: str = "") -> str | None:
    if len(password) < PASSWORD_MIN:
        return f"Your password needs at least {PASSWORD_MIN} characters."
    if len(password) > PASSWORD_MAX:
        return f"Your password can be up to {PASSWORD_MAX} characters."
    lowered = password.lower()
    if lowered in _common_passwords() or len(set(lowered)) < 4:
        return "That password is too easy to guess. Try three or four random words together."
    if username and username.lower() in lowered:
        return "Please don't put your username in your password."
    return None
