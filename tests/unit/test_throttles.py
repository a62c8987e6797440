"""The log-in throttle's pure rules (no server): how long an account waits after failed
tries, how addresses are grouped, and the device cookie that spares a known device the
owner's delay. The counting itself runs in PostgreSQL (tests/api/test_accounts.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from backend.accounts import throttle


@pytest.mark.parametrize(("failures", "seconds"), [
    (0, None), (4, None), (5, 4), (6, 8), (7, 16), (8, 32), (9, 60), (50, 60),
])
def test_an_account_waits_longer_after_each_failure_up_to_a_minute(failures: int, seconds: int | None) -> None:
    delay = throttle.account_delay(failures)
    assert delay == (None if seconds is None else dt.timedelta(seconds=seconds))


def test_the_wait_is_said_in_words_and_in_retry_after() -> None:
    short, long_ = throttle._too_many(30), throttle._too_many(900)
    assert "30 seconds" in short.detail and "15 minutes" in long_.detail
    for refusal, wait in ((short, 30), (long_, 900)):
        said = getattr(refusal, "retry_after", None) or (refusal.extra or {}).get("retry_after")
        assert said == wait


def test_addresses_group_ipv6_by_its_64_and_keys_hide_what_they_count() -> None:
    a = throttle.address_key("2001:db8:1:2:aaaa::1")
    assert a == throttle.address_key("2001:db8:1:2:ffff::9")  # one household, one /64
    assert a != throttle.address_key("2001:db8:1:3::1")
    assert throttle.address_key("192.0.2.1") != throttle.address_key("192.0.2.2")
    assert throttle.address_key(None) is None and throttle.address_key("") is None
    assert throttle.address_key("not an address").startswith("address:")
    key = throttle.account_key("  Sam_Sky ")
    assert key == throttle.account_key("sam_sky") and "sam" not in key.split(":", 1)[1]
    assert throttle.account_key("sam_sky", "recover") != key


def test_a_known_device_is_recognised_only_for_its_own_account() -> None:
    secret = "s" * 48
    cookie = throttle.remembered(secret, None, "sam_sky")
    assert throttle.known_device(secret, cookie, "Sam_Sky") is not None
    assert throttle.known_device(secret, cookie, "someone_else") is None
    assert throttle.known_device("another secret", cookie, "sam_sky") is None  # a forged cookie
    assert throttle.known_device(secret, None, "sam_sky") is None
    assert throttle.known_device(secret, "x" * 32, "sam_sky") is None


def test_the_device_cookie_keeps_a_few_accounts_newest_first() -> None:
    secret, cookie = "s" * 48, None
    for name in ("a1", "a2", "a3", "a4", "a5"):
        cookie = throttle.remembered(secret, cookie, name)
    tokens = throttle.device_tokens(cookie)
    assert len(tokens) == throttle.DEVICE_TOKENS_KEPT
    assert tokens[0] == throttle.device_token(secret, "a5")
    assert throttle.known_device(secret, cookie, "a1") is None  # the oldest went
    again = throttle.remembered(secret, cookie, "a3")
    assert throttle.device_tokens(again)[0] == throttle.device_token(secret, "a3") and len(throttle.device_tokens(again)) == 4
