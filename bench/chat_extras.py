"""The chat bench's extras (``--transfers N --thread-replies M``): chats handed from one
counsellor to another and replies to messages to the team, spread over the measured window
of the 1,000-chat load, on chats and threads of their own (so the main load's checks stay
exact). Checked afterwards: every transfer answered 200 and every reply 201; each extra
chat's messages are 1..N without gaps, every message sent is stored exactly once, and the
young person's socket received each seq once and was told of every transfer; every thread
has its reply stored and is ``replied``.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from typing import Any

from bench.common import session_headers

ROUNDS_NOTE = "Handing over: exam worries, calm now. Please carry on gently."


def pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


class Extras:
    def __init__(self, base_url: str, csrf: str, chats: list[tuple[str, Any]], counsellors: list[Any],
                 threads: list[str], *, transfers: int, replies: int, window: float) -> None:
        self.base_url, self.csrf = base_url, csrf
        self.chats, self.counsellors, self.threads = chats, counsellors, threads
        self.transfers, self.replies, self.window = transfers, replies, window
        self.result: dict[str, Any] = {}
        self._thread = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)

    def start(self) -> None:
        self._thread.start()

    def join(self, timeout: float) -> dict[str, Any]:
        self._thread.join(timeout)
        return self.result or {"error": "the extras did not finish in time"}

    def _headers(self, cookie: str) -> dict[str, str]:
        return session_headers(self.base_url, cookie)

    async def _run(self) -> None:
        import httpx
        from websockets.asyncio.client import connect

        url = self.base_url.replace("http://", "ws://") + "/api/v1/chat/ws"
        frames: dict[str, list[dict[str, Any]]] = {}
        sockets: dict[str, Any] = {}

        async def open_socket(person: Any) -> None:
            ws = await connect(url, origin=self.base_url, additional_headers={"Cookie": f"waymark_session={person.cookie}"},
                               open_timeout=120, ping_interval=None, max_size=2**22)
            sockets[person.id], frames[person.id] = ws, []

            async def read() -> None:
                async for raw in ws:
                    frames[person.id].append(json.loads(raw))
            asyncio.create_task(read())

        for person in [*self.counsellors, *(yp for _, yp in self.chats)]:
            await open_socket(person)
        for session_id, yp in self.chats:  # the young person shows the chat, as the app does
            await sockets[yp.id].send(json.dumps({"type": "resume", "session_id": session_id, "after_seq": 0}))

        sent: dict[str, list[str]] = {sid: [] for sid, _ in self.chats}
        transfer_ms: list[float] = []
        reply_ms: list[float] = []
        statuses: dict[str, int] = {}

        async def say(ws: Any, session_id: str, body: str) -> str:
            cid = str(uuid.uuid4())
            sent[session_id].append(cid)
            await ws.send(json.dumps({"type": "message", "session_id": session_id, "client_id": cid, "body": body}))
            return cid

        async def answered(person_id: str, cid: str, within: float = 60) -> None:
            """Until the server has acknowledged (or refused) this message: a counsellor hands
            a chat over only after their last message in it is stored, as in the console."""
            deadline = time.monotonic() + within
            while time.monotonic() < deadline:
                if any(f.get("client_id") == cid and f.get("type") in ("ack", "error") for f in frames[person_id]):
                    return
                await asyncio.sleep(0.01)

        async with httpx.AsyncClient(base_url=self.base_url, timeout=60) as http:
            async def chat_rounds(i: int, session_id: str, yp: Any, rounds: int) -> None:
                holder = 0
                await asyncio.sleep(self.window * i / max(1, len(self.chats)) / max(1, rounds))
                for r in range(rounds):
                    await say(sockets[yp.id], session_id, f"round {r}: still there?")
                    current = self.counsellors[holder]
                    await answered(current.id, await say(sockets[current.id], session_id, f"round {r}: yes, I'm here"))
                    await asyncio.sleep(0.2)
                    nxt = self.counsellors[1 - holder]
                    t = time.monotonic()
                    in_flight = asyncio.create_task(say(sockets[yp.id], session_id, f"round {r}: in flight"))
                    resp = await http.post(f"/api/v1/chat/sessions/{session_id}/transfer",
                                           json={"to_counsellor_id": nxt.id, "note": ROUNDS_NOTE},
                                           headers=self._headers(current.cookie))
                    transfer_ms.append((time.monotonic() - t) * 1000)
                    statuses[f"transfer {resp.status_code}"] = statuses.get(f"transfer {resp.status_code}", 0) + 1
                    await in_flight
                    holder = 1 - holder
                    await asyncio.sleep(max(0.5, self.window / max(1, rounds) - 0.2))
                    await say(sockets[nxt.id], session_id, f"round {r}: hello, I've read the note")

            async def replies() -> None:
                gap = self.window / max(1, self.replies)
                for k in range(self.replies if self.threads else 0):
                    j = k % len(self.threads)
                    thread_id = self.threads[j]
                    replier = self.counsellors[j % len(self.counsellors)]  # a thread's replies: one counsellor
                    t = time.monotonic()
                    resp = await http.post(f"/api/v1/messages/threads/{thread_id}/messages",
                                           json={"body": "Thanks for writing to us. We're here.",
                                                 "client_id": str(uuid.uuid4())}, headers=self._headers(replier.cookie))
                    reply_ms.append((time.monotonic() - t) * 1000)
                    statuses[f"reply {resp.status_code}"] = statuses.get(f"reply {resp.status_code}", 0) + 1
                    await asyncio.sleep(gap)

            rounds = round(self.transfers / max(1, len(self.chats)))  # --transfers 0: none
            await asyncio.gather(replies(), *(chat_rounds(i, sid, yp, rounds) for i, (sid, yp) in enumerate(self.chats)
                                              if rounds))
            await asyncio.sleep(5)  # the last deliveries

            problems = {"lost_or_twice": 0, "gaps": 0, "yp_socket_dups": 0, "yp_socket_missing": 0,
                        "not_told_of_transfer": 0, "unacked": 0, "error_frames": 0}
            acked = {f.get("client_id") for fs in frames.values() for f in fs if f.get("type") == "ack"}
            problems["error_frames"] = sum(1 for fs in frames.values() for f in fs if f.get("type") == "error")
            for session_id, yp in self.chats:
                items = (await http.get(f"/api/v1/chat/sessions/{session_id}/messages",
                                        headers=self._headers(yp.cookie))).json()["items"]
                seqs = [m["seq"] for m in items]
                if seqs != list(range(1, len(seqs) + 1)):
                    problems["gaps"] += 1
                stored = [m.get("client_id") for m in items]
                problems["lost_or_twice"] += sum(1 for cid in sent[session_id] if stored.count(cid) != 1)
                problems["unacked"] += sum(1 for cid in sent[session_id] if cid not in acked)
                got = [f["seq"] for f in frames[yp.id] if f.get("type") == "message" and f.get("session_id") == session_id]
                problems["yp_socket_dups"] += len(got) - len(set(got))
                problems["yp_socket_missing"] += len(set(seqs) - set(got))
                told = sum(1 for f in frames[yp.id] if f.get("type") == "transferred" and f.get("session_id") == session_id)
                problems["not_told_of_transfer"] += max(0, rounds - told)
            replied = 0
            for thread_id in self.threads:
                body = (await http.get(f"/api/v1/messages/threads/{thread_id}",
                                       headers=self._headers(self.counsellors[0].cookie))).json()
                replied += body["status"] == "replied" and any(m["sender"] == "counsellor" for m in body["messages"])
        for ws in sockets.values():
            await ws.close()
        self.result = {
            "transfers": len(transfer_ms), "thread_replies": len(reply_ms), "statuses": statuses,
            "transfer_ms": {"p50": round(pct(transfer_ms, 50), 1), "p99": round(pct(transfer_ms, 99), 1)},
            "reply_ms": {"p50": round(pct(reply_ms, 50), 1), "p99": round(pct(reply_ms, 99), 1)},
            "threads_replied": replied, "threads": len(self.threads), "problems": problems,
            "ok": (statuses.get("transfer 200", 0) == len(transfer_ms) and statuses.get("reply 201", 0) == len(reply_ms)
                   and replied == len(self.threads) and not any(problems.values())),
        }


async def start_threads(base_url: str, csrf: str, young: list[Any], n: int) -> list[str]:
    """``n`` messages to the team, written by the extra young people over HTTP before the load."""
    import httpx

    out = []
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
        for k in range(n):
            yp = young[k % len(young)]
            r = await http.post("/api/v1/messages/threads", json={"body": "I've been feeling low about school lately.",
                                                                  "client_id": str(uuid.uuid4())},
                                headers=session_headers(base_url, yp.cookie))
            if r.status_code != 201:
                raise RuntimeError(f"writing to the team: {r.status_code} {r.text[:300]}")
            out.append(r.json()["id"])
    return out
