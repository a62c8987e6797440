from __future__ import annotations

import msgspec


class RiskLevelOut(msgspec.Struct):
    level: str  # none, low, medium, high, urgent (lowest first)
    label: str  # the words a screen shows


class MetaOut(msgspec.Struct):
    risk_levels: list[RiskLevelOut]
    limits: dict[str, int]  # name → the most characters (mood_feelings: the most words)
