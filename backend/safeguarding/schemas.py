"""Safeguarding alerts: what comes in. Every string has a length limit: oversize input is a 400."""

from __future__ import annotations

from typing import Annotated

import msgspec

NOTE_MAX = 2000


class AcknowledgeIn(msgspec.Struct):
    note: Annotated[str, msgspec.Meta(max_length=NOTE_MAX)] | None = None
