"""A moderator reads the same explanation for the same text, whichever process wrote it:
the reasons' order must not depend on Python's string hashing (PYTHONHASHSEED)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEXTS = [
    "I'm not suicidal and I don't want to die, I'm not going to kill myself, honestly",
    "this isn't a suicide post, i'm not gonna hurt myself, i just dont want to die of boredom in maths",
]
SCRIPT = (
    "import json, sys\nfrom moderation import assess\n"
    "print(json.dumps([list(assess(t).reasons) for t in json.loads(sys.argv[1])]))"
)


def reasons_with_seed(seed: int) -> list[list[str]]:
    out = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps(TEXTS)], cwd=ROOT, check=True,
                         capture_output=True, text=True, env={"PYTHONHASHSEED": str(seed), "PATH": ""})
    return json.loads(out.stdout)


def test_reasons_come_in_the_same_order_in_every_process() -> None:
    runs = [reasons_with_seed(seed) for seed in (1, 2, 3, 4)]
    assert all(len(r) >= 2 for r in runs[0]), runs[0]  # several negated findings: order matters
    assert all(run == runs[0] for run in runs[1:]), runs
