"""A secret made once into the data directory (development and single-host runs): the web
session signing key, the journal's encryption key, the VAPID key for Web Push. Production
sets each one in the environment instead.

The file is private (0600) and created race-free: the secret is written to a file of its
own, then hard-linked into place, which fails if another worker got there first. So two
workers starting at once agree on one secret, and nobody ever reads a half-written file.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path


def secret_once(data_dir: Path, name: str, make: Callable[[], bytes]) -> bytes:
    """The contents of ``data_dir/name``, made by ``make()`` the first time it is asked for."""
    path = data_dir / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{name}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(make())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another worker made it first: theirs is the one
        finally:
            tmp.unlink()
    return path.read_bytes()


def secret_text_once(data_dir: Path, name: str, make: Callable[[], str]) -> str:
    """``secret_once`` for a secret written as one line of text."""
    return secret_once(data_dir, name, lambda: (make() + "\n").encode("ascii")).decode("ascii").strip()
