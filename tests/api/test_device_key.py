"""The phone's journal keys (GET /api/v1/journal/device-key): what the PWA keeps of the
journal on the phone (the offline outbox, entries saved for reading offline) is sealed with
them; log-out and Quick exit delete them from the phone and the next log-in fetches them."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tests.harness import Client

PATH = "/api/v1/journal/device-key"


def keys_of(c: Client) -> list[dict]:
    r = c.get(PATH)
    assert r.status_code == 200, r.text
    assert "no-store" in r.headers["cache-control"]
    return r.json()["keys"]


def raw(key: str) -> bytes:
    return base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))


def test_a_young_person_gets_their_own_stable_keys(young_person) -> None:
    a, b = young_person(), young_person()
    first = keys_of(a)
    assert len(first) == 1 and set(first[0]) == {"id", "key"}
    assert len(first[0]["id"]) == 8 and len(raw(first[0]["key"])) == 32
    assert keys_of(a) == first  # the same every time: what was sealed opens after the next log-in
    other = keys_of(b)
    assert other[0]["id"] == first[0]["id"] and other[0]["key"] != first[0]["key"]
    # A key works for AES-256-GCM, as the phone uses it.
    box = AESGCM(raw(first[0]["key"]))
    assert box.decrypt(b"0" * 12, box.encrypt(b"0" * 12, b"hello", None), None) == b"hello"


def test_the_same_keys_after_logging_in_again(young_person, make_client) -> None:
    yp = young_person()
    before = keys_of(yp)
    assert yp.post("/api/v1/auth/logout").status_code == 204
    assert yp.get(PATH).status_code == 401
    again = make_client()
    r = again.post("/api/v1/auth/login", json={"username": yp.user["username"], "password": yp.user["password"]})
    assert r.status_code == 200, r.text
    assert keys_of(again) == before


def test_signed_out_gets_401(client: Client) -> None:
    r = client.get(PATH)
    assert r.status_code == 401 and r.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize("role", ["counsellor", "moderator", "admin"])
def test_staff_get_no_journal_keys(staff, role) -> None:
    r = staff(role).get(PATH)
    assert r.status_code == 403 and r.headers["content-type"].startswith("application/problem+json")


def test_a_council_admin_gets_no_journal_keys(staff) -> None:
    assert staff("council_admin", council="E06000044").get(PATH).status_code == 403


def test_only_get(young_person) -> None:
    yp = young_person()
    assert yp.post(PATH, json={}).status_code == 405
    assert yp.delete(PATH).status_code == 405


def test_rotation_keeps_the_old_device_key_under_its_id() -> None:
    """A unit check of the derivation: with two server keys configured, the phone gets two
    device keys, newest first, and the old one is the one it had before the rotation."""
    import uuid

    from backend.journal.crypto import Keyring, key_id

    old, new = b"o" * 32, b"n" * 32
    owner = uuid.uuid4()
    before = Keyring([old]).device_keys(owner)
    after = Keyring([new, old]).device_keys(owner)
    assert [kid for kid, _ in after] == [key_id(new), key_id(old)]
    assert after[1] == before[0] and after[0][1] != before[0][1]
    assert Keyring([old]).device_keys(uuid.uuid4())[0][1] != before[0][1]
    assert all(raw(k) not in (old, new) and len(raw(k)) == 32 for _, k in after)
