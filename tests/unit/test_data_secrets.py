"""A secret made once into the data directory (no server): private, made only once, and
the same for every worker even when many start at the same moment."""

from __future__ import annotations

import threading
from pathlib import Path

from backend.data_secrets import secret_once, secret_text_once


def test_made_once_private_and_kept(tmp_path: Path) -> None:
    made = []
    first = secret_text_once(tmp_path / "data", "secret_key", lambda: made.append(1) or "first")
    again = secret_text_once(tmp_path / "data", "secret_key", lambda: made.append(1) or "second")
    assert first == again == "first" and made == [1]
    assert (tmp_path / "data" / "secret_key").stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["secret_key"]  # no temporary files left


def test_workers_starting_together_agree(tmp_path: Path) -> None:
    start, answers = threading.Barrier(16), []

    def worker(n: int) -> None:
        start.wait()
        answers.append(secret_once(tmp_path, "vapid_private.pem", lambda: f"key {n}".encode()))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(answers) == 16 and len(set(answers)) == 1
    assert (tmp_path / "vapid_private.pem").read_bytes() == answers[0]
    assert [p.name for p in tmp_path.iterdir()] == ["vapid_private.pem"]


def test_an_existing_secret_is_never_replaced(tmp_path: Path) -> None:
    (tmp_path / "encryption_key").write_text("kept\n")
    assert secret_text_once(tmp_path, "encryption_key", lambda: "new") == "kept"
