"""The repository's documents stand alone: no links outside it, no machine paths, and every
path that docs/features.md names exists."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "content" / "SOURCES.md",
             *sorted(ROOT.glob("*/README.md"))]
OUTSIDE = re.compile(r"(?<![\w/])(?:\.\./)?shared/(?:API|BRIEF)|(?<![\w.])/(?:work|root|home|tmp|Users)/")
PATH = re.compile(r"`((?:backend|moderation|pwa|tests|bench|content|docs)/[^`\s]*)`")


def test_no_document_points_outside_the_repository() -> None:
    found = [f"{doc.relative_to(ROOT)}:{n}: {line.strip()}"
             for doc in DOCUMENTS if doc.exists()
             for n, line in enumerate(doc.read_text(encoding="utf-8").splitlines(), 1)
             if OUTSIDE.search(line)]
    assert found == []


def test_every_path_in_the_feature_index_exists() -> None:
    text = (ROOT / "docs" / "features.md").read_text(encoding="utf-8")
    paths = PATH.findall(text)
    assert len(paths) > 60  # the index names the model, rules, endpoint, screen and tests of each feature
    missing = sorted({p for p in paths if not (ROOT / p.rstrip("/")).exists()})
    assert missing == []


def test_the_newcomer_pages_exist_and_readme_links_them() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for page in ("docs/product.md", "docs/api-guide.md", "docs/features.md"):
        assert (ROOT / page).exists()
        assert page in readme
