"""Self-help library: what goes out."""

from __future__ import annotations

import msgspec


class TopicOut(msgspec.Struct):
    slug: str
    name: str
