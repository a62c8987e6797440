"""A per-worker memory for the hot read paths (sessions, users, encoded answers).

``ShortMemory`` keeps what cachetools' ``TTLCache`` keeps (bounded, each entry forgotten
``ttl`` seconds after it was kept, the oldest first when full) but a read is one dict look-up
and one clock read: ``TTLCache.get`` goes through three layers of Python and a timer
context, about a tenth of a signed-in read's CPU with three look-ups per request.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from time import monotonic
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class ShortMemory(Generic[K, V]):
    __slots__ = ("_data", "maxsize", "ttl")

    def __init__(self, maxsize: int, ttl: float) -> None:
        self.maxsize = maxsize
        self.ttl = ttl
        self._data: dict[K, tuple[V, float]] = {}  # in the order kept, so also in the order they expire

    def get(self, key: K, default: Any = None) -> V | Any:
        hit = self._data.get(key)
        if hit is None:
            return default
        if hit[1] > monotonic():
            return hit[0]
        self._data.pop(key, None)
        return default

    def __contains__(self, key: object) -> bool:
        hit = self._data.get(key)  # type: ignore[call-overload]
        return hit is not None and hit[1] > monotonic()

    def __getitem__(self, key: K) -> V:
        hit = self._data.get(key)
        if hit is None or hit[1] <= monotonic():
            raise KeyError(key)
        return hit[0]

    def __setitem__(self, key: K, value: V) -> None:
        data = self._data
        now = monotonic()
        data.pop(key, None)  # kept again: it moves to the end
        while data:  # forget what has expired, oldest first (amortised: each entry once)
            oldest = next(iter(data))
            if data[oldest][1] > now and len(data) < self.maxsize:
                break
            del data[oldest]
        data[key] = (value, now + self.ttl)

    def pop(self, key: K, default: Any = None) -> V | Any:
        hit = self._data.pop(key, None)
        return default if hit is None or hit[1] <= monotonic() else hit[0]

    def clear(self) -> None:
        self._data.clear()

    def items(self) -> list[tuple[K, V]]:
        now = monotonic()
        return [(key, value) for key, (value, until) in list(self._data.items()) if until > now]

    def keys(self) -> list[K]:
        return [key for key, _ in self.items()]

    def __iter__(self) -> Iterator[K]:
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self.items())
