"""ShortMemory: what cachetools' TTLCache kept for the hot caches (bounded, forgotten after
``ttl`` seconds, the oldest first when full), read more cheaply."""

from __future__ import annotations

import pytest

from backend import short_memory
from backend.short_memory import ShortMemory


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [1000.0]
    monkeypatch.setattr(short_memory, "monotonic", lambda: now[0])
    return now


def test_an_entry_is_kept_for_ttl_seconds_and_then_forgotten(clock: list[float]) -> None:
    memory: ShortMemory[str, bytes] = ShortMemory(maxsize=10, ttl=5)
    memory["a"] = b"1"
    clock[0] += 4.9
    assert memory.get("a") == b"1" and "a" in memory and memory["a"] == b"1"
    clock[0] += 0.1
    assert memory.get("a") is None and memory.get("a", "gone") == "gone" and "a" not in memory
    with pytest.raises(KeyError):
        memory["a"]
    assert len(memory) == 0 and memory.items() == []


def test_keeping_again_starts_the_time_again(clock: list[float]) -> None:
    memory: ShortMemory[str, int] = ShortMemory(maxsize=10, ttl=5)
    memory["a"] = 1
    clock[0] += 4
    memory["a"] = 2
    clock[0] += 4
    assert memory.get("a") == 2


def test_when_full_the_oldest_goes_first(clock: list[float]) -> None:
    memory: ShortMemory[int, int] = ShortMemory(maxsize=3, ttl=60)
    for i in range(3):
        memory[i] = i
        clock[0] += 1
    memory[0] = 0  # kept again: now the newest
    memory[3] = 3
    assert sorted(memory.keys()) == [0, 2, 3] and len(memory) == 3


def test_expired_entries_make_room_before_live_ones_are_dropped(clock: list[float]) -> None:
    memory: ShortMemory[int, int] = ShortMemory(maxsize=3, ttl=5)
    memory[1] = 1
    clock[0] += 3
    memory[2] = 2
    clock[0] += 3  # 1 has expired, 2 has not
    memory[3] = 3
    memory[4] = 4
    assert sorted(memory.keys()) == [2, 3, 4]


def test_pop_and_clear_forget_at_once(clock: list[float]) -> None:
    memory: ShortMemory[str, int] = ShortMemory(maxsize=10, ttl=5)
    memory["a"], memory["b"] = 1, 2
    assert memory.pop("a") == 1 and memory.pop("a") is None and memory.get("a") is None
    clock[0] += 6
    assert memory.pop("b", "expired") == "expired"
    memory["c"] = 3
    memory.clear()
    assert memory.get("c") is None and list(memory) == []
