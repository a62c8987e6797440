"""A small synchronous WebSocket client for the chat tests and benchmarks."""

from __future__ import annotations

import contextlib
import json
import time
import uuid
from typing import Any

from websockets.sync.client import ClientConnection, connect

from tests.harness import Client


def cookie_header(client: Client) -> str:
    return "; ".join(f"{k}={v}" for k, v in client.http.cookies.items())


class ChatSocket:
    """One chat WebSocket: send frames, wait for frames of a type (keeping the others)."""

    def __init__(self, base_url: str, client: Client | None, origin: str | None = "same",
                 path: str = "/api/v1/chat/ws") -> None:
        url = base_url.replace("http://", "ws://") + path
        headers = {"Cookie": cookie_header(client)} if client else {}
        self._stack = contextlib.ExitStack()
        self.ws: ClientConnection = self._stack.enter_context(
            connect(url, origin=(base_url if origin == "same" else origin), additional_headers=headers,
                    open_timeout=10, max_size=2**22))
        self.frames: list[dict[str, Any]] = []

    def send(self, frame: dict[str, Any] | str) -> None:
        self.ws.send(frame if isinstance(frame, str) else json.dumps(frame))

    def say(self, session_id: str, body: str, client_id: str | None = None) -> str:
        client_id = client_id or str(uuid.uuid4())
        self.send({"type": "message", "session_id": session_id, "client_id": client_id, "body": body})
        return client_id

    def wait_for(self, kind: str, timeout: float = 10, **match: Any) -> dict[str, Any]:
        """The first frame (already received or arriving) of ``kind`` whose fields match."""
        deadline = time.monotonic() + timeout
        while True:
            for i, frame in enumerate(self.frames):
                if frame.get("type") == kind and all(frame.get(k) == v for k, v in match.items()):
                    return self.frames.pop(i)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no {kind} frame matching {match}; got {self.frames}")
            try:
                self.frames.append(json.loads(self.ws.recv(timeout=remaining)))
            except TimeoutError:
                continue

    def drain(self, seconds: float = 0.3) -> list[dict[str, Any]]:
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            try:
                self.frames.append(json.loads(self.ws.recv(timeout=left)))
            except TimeoutError:
                break
        out, self.frames = self.frames, []
        return out

    def close(self) -> None:
        self._stack.close()
