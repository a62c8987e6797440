"""Web Push: VAPID key, opt-in subscriptions, and a real encrypted push when a counsellor
takes a chat — received by a local stand-in for a push service that checks the VAPID
signature and decrypts the RFC 8291 payload."""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import http_ece
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from tests.conftest import PUSH_RECEIVER_PORT
from tests.harness import Client


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Receiver:
    """Records pushes; answers 201, or 410 for endpoints under /gone/."""

    def __init__(self, port: int) -> None:
        self.received: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                outer.received.append({"path": self.path, "headers": dict(self.headers), "body": body})
                self.send_response(410 if self.path.startswith("/gone/") else 201)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.httpd = HTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def wait(self, path: str, timeout: float = 10) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for r in self.received:
                if r["path"] == path:
                    return r
            time.sleep(0.05)
        raise AssertionError(f"no push to {path}")


@pytest.fixture(scope="module")
def receiver():
    r = Receiver(PUSH_RECEIVER_PORT)
    yield r
    r.httpd.shutdown()
    r.httpd.server_close()  # free the port for the next module's receiver


def new_subscription(path: str) -> tuple[dict, ec.EllipticCurvePrivateKey, bytes]:
    key = ec.generate_private_key(ec.SECP256R1())
    auth = os.urandom(16)
    point = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    sub = {"endpoint": f"http://127.0.0.1:{PUSH_RECEIVER_PORT}{path}", "keys": {"p256dh": b64url(point), "auth": b64url(auth)}}
    return sub, key, auth


def test_public_key_is_a_p256_point(client: Client) -> None:
    raw = unb64url(client.get("/api/v1/push/key").json()["public_key"])
    assert len(raw) == 65 and raw[0] == 4


@pytest.mark.parametrize("endpoint", [
    "https://evil.example/push/1",              # not a push service
    "http://fcm.googleapis.com/fcm/send/x",     # not https
    "http://127.0.0.1:1/whatever",              # loopback, not the allowed port
    "file:///etc/passwd",
])
def test_only_known_push_services_are_accepted(young_person, endpoint: str) -> None:
    sub, _, _ = new_subscription("/x")
    r = young_person().post("/api/v1/push/subscriptions", json={**sub, "endpoint": endpoint})
    assert r.status_code == 400 and r.json()["code"] == "bad_endpoint"


def test_bad_keys_and_roles(young_person, client: Client) -> None:
    sub, _, _ = new_subscription("/y")
    yp = young_person()
    assert yp.post("/api/v1/push/subscriptions", json={**sub, "keys": {"p256dh": "abc", "auth": "def"}}).status_code == 400
    assert yp.post("/api/v1/push/subscriptions", json={"endpoint": sub["endpoint"]}).status_code == 400
    assert client.post("/api/v1/push/subscriptions", json=sub).status_code == 401


def test_a_counsellor_taking_the_chat_sends_an_encrypted_push(young_person, staff, receiver: Receiver, database) -> None:
    yp = young_person()
    sub, key, auth = new_subscription(f"/sub/{yp.user['username']}")
    assert yp.post("/api/v1/push/subscriptions", json=sub).status_code == 201
    assert yp.post("/api/v1/push/subscriptions", json=sub).status_code == 201  # idempotent
    assert database.query("SELECT count(*) AS n FROM push_subscription WHERE endpoint = $1", sub["endpoint"])[0]["n"] == 1
    database.query("UPDATE chat_request SET status = 'left' WHERE status = 'waiting'")
    request_id = yp.post("/api/v1/chat/requests", json={}).json()["id"]
    counsellor = staff("counsellor", name="Pat Push", key="push")
    assert counsellor.put("/api/v1/chat/availability", json={"status": "available", "max_concurrent": 10}).status_code == 200
    assert counsellor.post("/api/v1/chat/queue/take", json={"request_id": request_id}).status_code == 200

    push = receiver.wait(f"/sub/{yp.user['username']}")
    headers = {k.lower(): v for k, v in push["headers"].items()}
    assert headers["content-encoding"] == "aes128gcm" and int(headers["ttl"]) > 0
    # RFC 8292: "vapid t=<JWT>, k=<server public key>", signed ES256 for this push service's origin
    scheme, _, params = headers["authorization"].partition(" ")
    fields = dict(p.strip().split("=", 1) for p in params.split(","))
    assert scheme == "vapid" and fields["k"] == counsellor.get("/api/v1/push/key").json()["public_key"]
    head, claims, signature = fields["t"].split(".")
    payload = json.loads(unb64url(claims))
    assert payload["aud"] == f"http://127.0.0.1:{PUSH_RECEIVER_PORT}" and payload["exp"] > time.time()
    server_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(fields["k"]))
    sig = unb64url(signature)
    server_key.verify(encode_dss_signature(int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")),
                      f"{head}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
    # RFC 8291: only the subscriber's keys decrypt it; the words are discreet
    message = json.loads(http_ece.decrypt(push["body"], private_key=key, auth_secret=auth, version="aes128gcm"))
    assert message["body"] == "A counsellor is ready to talk with you." and message["url"] == "/#/chat"


def test_a_subscription_the_push_service_says_is_gone_is_deleted(young_person, staff, receiver: Receiver, database) -> None:
    yp = young_person()
    sub, _, _ = new_subscription(f"/gone/{yp.user['username']}")
    assert yp.post("/api/v1/push/subscriptions", json=sub).status_code == 201
    database.query("UPDATE chat_request SET status = 'left' WHERE status = 'waiting'")
    request_id = yp.post("/api/v1/chat/requests", json={}).json()["id"]
    counsellor = staff("counsellor", name="Pat Push", key="push")
    counsellor.put("/api/v1/chat/availability", json={"status": "available", "max_concurrent": 10})
    assert counsellor.post("/api/v1/chat/queue/take", json={"request_id": request_id}).status_code == 200
    receiver.wait(f"/gone/{yp.user['username']}")
    deadline = time.monotonic() + 5
    while database.query("SELECT count(*) AS n FROM push_subscription WHERE endpoint = $1", sub["endpoint"])[0]["n"]:
        assert time.monotonic() < deadline, "a 410 subscription was kept"
        time.sleep(0.1)


def test_unsubscribe_export_and_delete(young_person, database) -> None:
    yp = young_person()
    sub, _, _ = new_subscription(f"/sub/u-{yp.user['username']}")
    assert yp.post("/api/v1/push/subscriptions", json=sub).status_code == 201
    assert yp.get("/api/v1/me/export").json()["push_subscriptions"][0]["endpoint"] == sub["endpoint"]
    assert yp.delete("/api/v1/push/subscriptions", json={"endpoint": sub["endpoint"]}).status_code == 204
    assert database.query("SELECT count(*) AS n FROM push_subscription WHERE endpoint = $1", sub["endpoint"])[0]["n"] == 0
    assert yp.post("/api/v1/push/subscriptions", json=sub).status_code == 201
    assert yp.delete("/api/v1/me").status_code == 204
    assert database.query("SELECT count(*) AS n FROM push_subscription WHERE endpoint = $1", sub["endpoint"])[0]["n"] == 0


def test_approval_tells_the_author_and_the_thread_starter(young_person, staff, receiver: Receiver) -> None:
    starter, replier = young_person(), young_person()
    starter_sub, starter_key, starter_auth = new_subscription(f"/sub/t-{starter.user['username']}")
    replier_sub, replier_key, replier_auth = new_subscription(f"/sub/r-{replier.user['username']}")
    assert starter.post("/api/v1/push/subscriptions", json=starter_sub).status_code == 201
    assert replier.post("/api/v1/push/subscriptions", json=replier_sub).status_code == 201
    moderator = staff("moderator")
    thread = starter.post("/api/v1/boards/just-chat/threads", json={"title": "Films", "body": "What are you watching?"}).json()
    assert moderator.post(f"/api/v1/moderation/items/{thread['id']}/decision", json={"action": "approve"}).status_code == 200
    first = receiver.wait(f"/sub/t-{starter.user['username']}")
    assert json.loads(http_ece.decrypt(first["body"], private_key=starter_key, auth_secret=starter_auth,
                                       version="aes128gcm"))["body"] == "Your post is now live."
    reply = replier.post(f"/api/v1/threads/{thread['id']}/posts", json={"body": "A nature documentary"}).json()
    assert moderator.post(f"/api/v1/moderation/items/{reply['id']}/decision", json={"action": "approve"}).status_code == 200
    receiver.wait(f"/sub/r-{replier.user['username']}")
    deadline = time.monotonic() + 10
    while sum(1 for r in receiver.received if r["path"] == f"/sub/t-{starter.user['username']}") < 2:
        assert time.monotonic() < deadline, "the thread starter was not told about the reply"
        time.sleep(0.05)
    last = [r for r in receiver.received if r["path"] == f"/sub/t-{starter.user['username']}"][-1]
    assert json.loads(http_ece.decrypt(last["body"], private_key=starter_key, auth_secret=starter_auth,
                                       version="aes128gcm"))["body"] == "Someone replied in a thread you posted in."
