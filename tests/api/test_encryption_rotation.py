"""`waymark rotate-encryption` (issue 13): journal text AND messages to the team (subjects and
bodies) are re-encrypted under the newest key, through the CLI against a database of this
module's own (a rotation touches every row; the shared test server must not lose its key).

Safe to run twice, and an interrupted run (the process killed while a batch waits on a row
lock) leaves whole batches done and the rest under the old key, all readable, and the next run
finishes the job."""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator

import pytest

from backend.journal.crypto import DecryptionError, Keyring, key_id, new_key, parse_key
from tests import harness
from tests.harness import (
    PASSWORD,
    PYTHON,
    ROOT,
    Client,
    Server,
    run_async,
    signup_body,
    unique_username,
    waymark_cli,
)

SUBJECT, BODY = "message_thread.subject", "message_thread_message.body"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    run = tmp_path_factory.mktemp("rotation")
    db = harness.TestDatabase.create(run)
    base = {k: v for k, v in os.environ.items() if not k.startswith("WAYMARK_")}
    base.update({"DATABASE_URL": db.url, "WAYMARK_DATA_DIR": str(run), "WAYMARK_ENV": "test",
                 "WAYMARK_SECRET_KEY": secrets.token_urlsafe(32), "WAYMARK_RATE_LIMIT_PER_MINUTE": "100000",
                 "WAYMARK_CHAT_HOURS": "always", "PYTHONUNBUFFERED": "1"})
    old, new = new_key(), new_key()
    env_old = {**base, "WAYMARK_ENCRYPTION_KEY": old}
    waymark_cli("database", "upgrade", env=env_old)
    waymark_cli("import-content", env=env_old)
    yield {"db": db, "base": base, "old": old, "new": new, "env_old": env_old,
           "env_both": {**base, "WAYMARK_ENCRYPTION_KEYS": f"{new},{old}"},
           "env_new": {**base, "WAYMARK_ENCRYPTION_KEY": new}}
    db.drop()


def moved(client: Client, base_url: str) -> Client:
    """The same signed-in person on another server (sessions live in the database)."""
    other = Client(base_url)
    for name, value in client.http.cookies.items():
        other.http.cookies.set(name, value, domain="127.0.0.1")
    return other


def rotate(env: dict[str, str], *args: str) -> dict[str, tuple[int, int, int]]:
    """Run the CLI; {kind: (re-encrypted, already current, unreadable)}."""
    out = waymark_cli("rotate-encryption", *args, env=env)
    found = re.findall(r"^(\S+): (\d+) re-encrypted, (\d+) already current, (\d+) unreadable$", out, re.M)
    return {kind: (int(a), int(b), int(c)) for kind, a, b, c in found}


def stored(db: harness.TestDatabase) -> dict[str, list]:
    """The raw encrypted values, by column, in id order: (id, owner, record, value)."""
    return {
        SUBJECT: [(r["id"], r["id"], r["id"], r["subject"]) for r in
                  db.query("SELECT id, subject FROM message_thread WHERE subject IS NOT NULL ORDER BY id")],
        BODY: [(r["id"], r["thread_id"], r["id"], r["body"]) for r in
               db.query("SELECT id, thread_id, body FROM message_thread_message ORDER BY id")],
        "journal_entry.body": [(r["id"], r["user_id"], r["id"], r["body"]) for r in
                               db.query("SELECT id, user_id, body FROM journal_entry ORDER BY id")],
        "mood_checkin.note": [(r["id"], r["user_id"], r["id"], r["note"]) for r in
                              db.query("SELECT id, user_id, note FROM mood_checkin WHERE note IS NOT NULL ORDER BY id")],
        "goal.title": [(r["id"], r["user_id"], r["id"], r["title"]) for r in
                       db.query("SELECT id, user_id, title FROM goal ORDER BY id")],
    }


def under(value: str) -> str:
    return value.split(":", 2)[1]


def anything_under(db: harness.TestDatabase, kid: str) -> list[str]:
    """Every text column of every table that still holds a value under the key ``kid``."""
    columns = db.query("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' "
                       "AND data_type IN ('text', 'character varying')")
    found = []
    for c in columns:
        sql = f'SELECT count(*) AS n FROM "{c["table_name"]}" WHERE "{c["column_name"]}" LIKE $1'  # noqa: S608
        if db.query(sql, f"wm1:{kid}:%")[0]["n"]:
            found.append(f"{c['table_name']}.{c['column_name']}")
    return found


def interrupted_run(world: dict, locked_body: uuid.UUID) -> None:
    """Start a rotation in batches of 2 while another transaction holds ``locked_body``'s row;
    once the CLI waits on that lock, kill it (SIGKILL, as a crash or a Ctrl+C that can't wait)."""
    import asyncpg

    db = world["db"]

    async def go() -> None:
        holder, watcher = await asyncpg.connect(db.url), await asyncpg.connect(db.url)
        tx = holder.transaction()
        await tx.start()
        await holder.execute("SELECT id FROM message_thread_message WHERE id = $1 FOR UPDATE", locked_body)
        cli = await asyncio.create_subprocess_exec(PYTHON, "-m", "backend.cli", "rotate-encryption", "--batch-size", "2",
                                                   cwd=ROOT, env=world["env_both"], stdout=subprocess.PIPE,
                                                   stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 120
            while True:
                waiting = await watcher.fetchval(  # not in a transaction: a fresh view each time
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock' "
                    "AND query ILIKE 'UPDATE message_thread_message%'", db.name)
                if waiting:
                    break
                assert cli.returncode is None, await cli.communicate()
                assert time.monotonic() < deadline, "the rotation never reached the locked row"
                await asyncio.sleep(0.1)
            cli.send_signal(signal.SIGKILL)
            await cli.wait()
        finally:
            if cli.returncode is None:
                cli.kill()
                await cli.wait()
            await tx.rollback()
            await holder.close()
            await watcher.close()

    run_async(go())


@pytest.mark.timeout(600)  # its own database, migrated, and three servers started one after another
def test_rotation_covers_messages_to_the_team_and_survives_an_interruption(world: dict) -> None:
    db, old, new = world["db"], world["old"], world["new"]
    old_kid, new_kid = key_id(parse_key(old)), key_id(parse_key(new))

    # --- written under the old key: a journal, and threads with the team ---------------------
    server = Server(env=world["env_old"]).start()
    try:
        yp = Client(server.base_url)
        assert yp.post("/api/v1/auth/signup", json=signup_body()).status_code == 201
        assert yp.post("/api/v1/journal", json={"body": "journal before the rotation"}).status_code == 201
        assert yp.post("/api/v1/mood", json={"score": 3, "feelings": [], "note": "a note before"}).status_code == 201
        assert yp.post("/api/v1/goals", json={"title": "a goal before"}).status_code == 201
        email = f"rota-{unique_username('c')}@staff.example".replace("_", "-")
        waymark_cli("create-staff", "--role", "counsellor", "--email", email, "--password", PASSWORD, "--name",
                    "Robin", env=world["env_old"])
        team = Client(server.base_url)
        assert team.post("/api/v1/auth/login", json={"username": email, "password": PASSWORD}).status_code == 200
        threads = []
        for n, subject in enumerate(("Exams", "Home", None)):
            body = {"body": f"first message {n}"} | ({"subject": subject} if subject else {})
            made = yp.post("/api/v1/messages/threads", json=body)
            assert made.status_code == 201, made.text
            threads.append(made.json()["id"])
            assert team.post(f"/api/v1/messages/threads/{threads[-1]}/messages",
                             json={"body": f"the team's reply {n}"}).status_code == 201
        assert yp.post(f"/api/v1/messages/threads/{threads[0]}/messages", json={"body": "thank you"}).status_code == 201
        # a young person who then deletes their account: the thread stays, with no identity
        gone = Client(server.base_url)
        assert gone.post("/api/v1/auth/signup", json=signup_body()).status_code == 201
        orphan = gone.post("/api/v1/messages/threads", json={"subject": "Orphan", "body": "before I go"}).json()["id"]
        assert gone.delete("/api/v1/me").status_code == 204
        threads.append(orphan)
        before = {t: team.get(f"/api/v1/messages/threads/{t}").json() for t in threads}
        assert before[threads[0]]["subject"] == "Exams" and len(before[threads[0]]["messages"]) == 3
    finally:
        server.stop()
    values = stored(db)
    assert len(values[BODY]) == 8 and len(values[SUBJECT]) == 3
    assert all(under(v[3]) == old_kid for rows in values.values() for v in rows)

    def readable(base_url: str) -> None:
        """Through the API: every thread as the team and the young person see it, and the journal."""
        as_team, as_yp = moved(team, base_url), moved(yp, base_url)
        for t in threads:
            seen = as_team.get(f"/api/v1/messages/threads/{t}")
            assert seen.status_code == 200, seen.text
            got = seen.json()
            assert got["subject"] == before[t]["subject"]
            assert [m["body"] for m in got["messages"]] == [m["body"] for m in before[t]["messages"]]
        mine = as_yp.get(f"/api/v1/messages/threads/{threads[0]}").json()
        assert [m["body"] for m in mine["messages"]] == ["first message 0", "the team's reply 0", "thank you"]
        assert [e["body"] for e in as_yp.get("/api/v1/journal").json()["items"]] == ["journal before the rotation"]
        assert as_yp.get("/api/v1/goals").json()["items"][0]["title"] == "a goal before"
        as_team.close()
        as_yp.close()

    # --- the new key first, the old one still read (docs: step 3); a run is interrupted ------
    server = Server(env=world["env_both"]).start()
    try:
        locked = values[BODY][4][0]  # the fifth body in id order: the third batch of two
        interrupted_run(world, locked)
        partly = stored(db)
        for kind in ("journal_entry.body", "mood_checkin.note", "goal.title", SUBJECT):  # before the bodies
            assert {under(v[3]) for v in partly[kind]} == {new_kid}, kind
        # whole batches committed, the rest untouched (the killed batch left nothing half done)
        assert [under(v[3]) for v in partly[BODY]] == [new_kid] * 4 + [old_kid] * 4
        assert [v[3] for v in partly[BODY][4:]] == [v[3] for v in values[BODY][4:]]
        readable(server.base_url)  # half-rotated: everything still opens

        # --- the next run finishes the job; a run after that changes nothing -----------------
        report = rotate(world["env_both"], "--batch-size", "2")
        assert report[BODY] == (4, 4, 0) and report[SUBJECT] == (0, 3, 0)
        assert report["journal_entry.body"] == (0, 1, 0) and report["goal.title"] == (0, 1, 0)
        assert rotate(world["env_both"]) == {kind: (0, len(rows), 0) for kind, rows in stored(db).items()}
        readable(server.base_url)
    finally:
        server.stop()

    # --- nothing anywhere is left under the old key, and the old key opens nothing -----------
    assert anything_under(db, old_kid) == []
    old_only, new_only = Keyring([parse_key(old)]), Keyring([parse_key(new)])
    after = stored(db)
    for kind, rows in after.items():
        for _id, owner, record, value in rows:
            with pytest.raises(DecryptionError):
                old_only.decrypt(value, kind=kind, owner=owner, record=record)
            assert new_only.decrypt(value, kind=kind, owner=owner, record=record)
    # what was written is what is there, re-encrypted (a fresh nonce: every value changed)
    for kind, rows in values.items():
        assert [v[0] for v in after[kind]] == [v[0] for v in rows]
        assert all(a[3] != b[3] for a, b in zip(after[kind], rows, strict=True))
    subjects = {new_only.decrypt(v[3], kind=SUBJECT, owner=v[1], record=v[2]) for v in after[SUBJECT]}
    assert subjects == {"Exams", "Home", "Orphan"}

    # --- the old key removed: a server with only the new key reads every thread --------------
    server = Server(env=world["env_new"]).start()
    try:
        readable(server.base_url)
    finally:
        server.stop()

    # --- a key that opens nothing: every value counted unreadable and left as it was --------
    stranger = {**world["base"], "WAYMARK_ENCRYPTION_KEY": new_key()}
    with pytest.raises(RuntimeError, match="could not be decrypted") as failed:
        rotate(stranger)
    assert f"{BODY}: 0 re-encrypted, 0 already current, 8 unreadable" in str(failed.value)
    assert stored(db) == after


@pytest.mark.timeout(300)
@pytest.mark.parametrize("size", ["0", "-3", "lots"])
def test_a_bad_batch_size_is_refused_before_anything_changes(world: dict, size: str) -> None:
    before = stored(world["db"])
    result = subprocess.run([PYTHON, "-m", "backend.cli", "rotate-encryption", "--batch-size", size],  # noqa: S603
                            cwd=ROOT, env=world["env_both"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "--batch-size" in result.stderr
    assert stored(world["db"]) == before

