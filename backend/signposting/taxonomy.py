"""The taxonomies Waymark classifies services by, as HSDS 3.0 taxonomies and terms:
THRIVE (the NHS THRIVE Framework's five needs), Waymark's topics (``content/topics.yaml``)
and whether a young person can refer themselves. Every id is a stable UUIDv5, so a term
keeps its id in every feed and export."""

from __future__ import annotations

import uuid
from functools import lru_cache
from pathlib import Path

import yaml

from backend.settings import get_settings
from backend.signposting.oruk_schemas import Taxonomy, TaxonomyTerm

# Waymark's namespace for the UUIDs it derives (services, phones, schedules, terms, ...).
NAMESPACE = uuid.UUID("6f0b7c9e-3d0a-4c51-9d54-6a8e2f1b0c11")
THRIVE_VOCAB, TOPICS_VOCAB, REFERRAL_VOCAB = "thrive", "waymark-topics", "waymark-referral"

THRIVE_NAMES = {
    "thriving": "Thriving",
    "getting_advice": "Getting advice",
    "getting_help": "Getting help",
    "getting_more_help": "Getting more help",
    "getting_risk_support": "Getting risk support",
}
REFERRAL_NAMES = {
    "self_referral": "You can contact them yourself",
    "referral_needed": "Someone like a GP or school refers you",
}
TAXONOMY_TEXT = {
    THRIVE_VOCAB: ("THRIVE Framework", "The five needs of the THRIVE Framework for system change."),
    TOPICS_VOCAB: ("Waymark topics", "The topics young people raise, as Waymark names them."),
    REFERRAL_VOCAB: ("Referral", "Whether a young person can contact the service themselves."),
}


def derived_id(*parts: str) -> str:
    """A stable UUID (version 5) for a thing Waymark names by its parts."""
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def taxonomy_id(vocabulary: str) -> str:
    return derived_id("taxonomy", vocabulary)


def term_id(vocabulary: str, code: str) -> str:
    return derived_id("taxonomy", vocabulary, code)


@lru_cache(maxsize=4)
def _topic_names(path: Path) -> dict[str, str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return {str(t["slug"]): str(t["name"]) for t in data}


def topic_names() -> dict[str, str]:
    return _topic_names(get_settings().content_dir / "topics.yaml")


def vocabularies() -> dict[str, dict[str, str]]:
    """code → name, for each taxonomy."""
    return {THRIVE_VOCAB: THRIVE_NAMES, TOPICS_VOCAB: topic_names(), REFERRAL_VOCAB: REFERRAL_NAMES}


def taxonomy(vocabulary: str) -> Taxonomy:
    name, description = TAXONOMY_TEXT[vocabulary]
    return Taxonomy(id=taxonomy_id(vocabulary), name=name, description=description)


def all_taxonomies() -> list[Taxonomy]:
    return [taxonomy(v) for v in TAXONOMY_TEXT]


def term(vocabulary: str, code: str) -> TaxonomyTerm:
    name = vocabularies()[vocabulary].get(code, code)
    what = TAXONOMY_TEXT[vocabulary][0]
    return TaxonomyTerm(
        id=term_id(vocabulary, code),
        name=name,
        description=f"{what}: {name}.",
        code=code,
        taxonomy=vocabulary,
        taxonomy_id=taxonomy_id(vocabulary),
        language="en",
    )


def all_terms() -> list[TaxonomyTerm]:
    return [term(vocab, code) for vocab, codes in vocabularies().items() for code in codes]


def vocabulary_of(taxonomy_name: str | None, taxonomy_uuid: str | None) -> str | None:
    """Which of Waymark's taxonomies a term belongs to, from its ``taxonomy`` or ``taxonomy_id``."""
    if taxonomy_name in TAXONOMY_TEXT:
        return taxonomy_name
    for vocabulary in TAXONOMY_TEXT:
        if taxonomy_uuid is not None and taxonomy_uuid.lower() == taxonomy_id(vocabulary):
            return vocabulary
    return None
