from __future__ import annotations

import msgspec


class CouncilOut(msgspec.Struct):
    code: str
    name: str
    min_age: int
    max_age: int
    extended_max_age: int
