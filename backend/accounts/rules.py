"""The rules a username and a password must meet. Pure functions, no I/O."""

from __future__ import annotations

import re
from functools import lru_cache

USERNAME_MIN, USERNAME_MAX = 3, 20
PASSWORD_MIN, PASSWORD_MAX = 10, 128

_USERNAME_CHARS = re.compile(r"^[A-Za-z0-9_-]+$")
_DIGIT_RUN = re.compile(r"\d{4,}")
_RESERVED = {
    "admin", "administrator", "moderator", "mod", "counsellor", "counselor", "waymark", "staff",
    "support", "system", "root", "childline", "samaritans", "shout", "nhs", "police", "official",
}


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
    if name.lower().strip("_-") in _RESERVED:
        return "That name is kept for Waymark's team. Please pick another one."
    return None


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
