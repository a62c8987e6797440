"""Issue 16: the private personal-details check before a forum post is sent.

GET /api/v1/forums/details-vocabulary exports the engine's personal-details rules for the
phone (moderation/details_vocabulary.py); the PWA's own check (pwa/js/details-check.js, run
here in Node) must find the same rules as the server's engine for every example, and a post
the phone warns about is held by the server when it is sent anyway."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import uuid
from pathlib import Path

import msgspec
import pytest

from backend.journal.schemas import DetailsVocabulary
from moderation import assess
from moderation.details_vocabulary import details_vocabulary
from tests.harness import Client

ROOT = Path(__file__).resolve().parents[2]
LABELLED = ROOT / "tests" / "moderation" / "labelled.jsonl"
# Python-only regex syntax (lookbehind is allowed: every current browser has it).
PYTHON_ONLY = re.compile(r"\(\?P|\(\?[aiLmsux-]+[):]|\(\?>|\(\?#|[*+?}]\+|\\[AZ]")

FOUND = [
    "text me on 07700 900123",
    "my number is +44 7700 900 123 if you want to chat",
    "call (020) 7946 0018",
    "email me at jess.smith2010@gmail.com",
    "my email is jess at gmail dot com",
    "I live at 12 Acacia Avenue near the park",
    "my postcode is PO1 2AB",
    "we live on Elm Grove road",
    "I live in Southsea and it's so boring",
    "I go to Priory School and everyone there is mean",
    "I go to St Mary's High School, text me 07700 900123",
    "at Priory School we have mocks next week",
    "my snap is jess_2010",
    "add me on insta: coolkid.22",
    "my discord is gamer#1234",
    "follow me @jessie_smith",
    "check out www.myblog.co.uk",
    "my tiktok is dancequeen99",
    "0 7 7 0 0 9 0 0 1 2 3",
    "ｍｙ ｓｎａｐ ｉｓ ｊｅｓｓ＿２０１０",
]
# Spelling tricks: the phone and the server must only agree on these.
TRICKY = ["ΜΥ snap is jess_2010", "my s n a p is jess_2010", "I gо tо Priоry Schооl", "caf\u00e9 at 3 High Street",
          "m\u200by number is 07700\u00a0900123", "St. Mary\u2019s Catholic school", "I L1VE 1N P0RTSM0UTH"]
NOT_FOUND = [
    "Exams soon and I can't focus. What helps you?",
    "I feel really lonely at school lately",
    "my mum and I argue every day about nothing",
    "I waited 20 minutes for the bus",
    "call childline on 0800 1111, they helped me",
    "have a look at www.childline.org.uk/info-advice",
    "the nhs.uk page on anxiety helped",
    "I live in fear of results day",
    "my snap streak is gone lol",
    "going to school tomorrow is hard",
    "I got 7 out of 10 in my test",
    "",
]


def node_rules(vocab: dict, texts: list[str], tmp_path: Path) -> list[set[str]]:
    assert shutil.which("node"), "node is needed to run the phone's personal-details check"
    path = tmp_path / "details.json"
    path.write_text(json.dumps(vocab), encoding="utf-8")
    out = subprocess.run(
        ["node", "--experimental-default-type=module", str(Path(__file__).with_name("details_check.mjs")), str(path)],
        input="\n".join(json.dumps(t) for t in texts), text=True, capture_output=True, check=True, timeout=60,
    ).stdout.splitlines()
    assert len(out) == len(texts)
    return [set(json.loads(line)) for line in out]


def server_rules(text: str) -> set[str]:
    verdict = assess(text, {"kind": "post"})
    return {s.rule.split(":", 1)[1] for s in verdict.spans if s.category == "personal_details"}


def test_the_vocabulary_is_public_cacheable_and_the_engines(client: Client) -> None:
    r = client.get("/api/v1/forums/details-vocabulary")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    assert "public" in r.headers["cache-control"]
    vocab = r.json()
    assert vocab == json.loads(json.dumps(details_vocabulary()))
    assert vocab["category"] == "personal_details" and vocab["level"] == "medium"
    rules = {p["rule"] for p in vocab["patterns"]}
    assert {"personal_details:phone", "personal_details:school", "personal_details:social_handle"} <= rules
    assert {p["view"] for p in vocab["patterns"]} == {"words", "plain", "original"}
    for p in [*vocab["patterns"], *vocab["allow"]]:
        re.compile(p["source"])
        assert not PYTHON_ONLY.search(p["source"]), p["source"]
    assert vocab["views"]["plain"]["steps"] < vocab["views"]["words"]["steps"] == len(vocab["normalise"]["steps"])
    # The same version again: 304 with no body.
    again = client.get("/api/v1/forums/details-vocabulary", headers={"if-none-match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    # Only GET.
    assert client.post("/api/v1/forums/details-vocabulary", json={}).status_code in (403, 405)


def test_the_vocabulary_decodes_strictly_into_its_documented_struct(client: Client) -> None:
    r = client.get("/api/v1/forums/details-vocabulary")
    vocab = msgspec.json.decode(r.content, type=DetailsVocabulary, strict=True)
    assert vocab.version == 1 and vocab.category == "personal_details" and vocab.level == "medium"
    assert vocab.patterns and vocab.allow and set(vocab.views) == {"original", "plain", "words"}
    operation = client.get("/schema/openapi.json").json()["paths"]["/api/v1/forums/details-vocabulary"]["get"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/DetailsVocabulary")
    assert "304" in operation["responses"]
    # A key the struct does not name is refused, so the check above can fail.
    extra = msgspec.json.encode({**msgspec.json.decode(r.content), "surprise": 1})
    with pytest.raises(msgspec.ValidationError):
        msgspec.json.decode(extra, type=DetailsVocabulary, strict=True)


def test_the_phone_and_the_server_agree(tmp_path: Path) -> None:
    labelled = [json.loads(line)["text"] for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = FOUND + NOT_FOUND + TRICKY + labelled
    phone = node_rules(details_vocabulary(), texts, tmp_path)
    server = [server_rules(t) for t in texts]
    for text, p, s in zip(texts, phone, server, strict=True):
        assert p == s, (text, p, s)
    # The examples say what they are meant to.
    assert all(server[:len(FOUND)]), [t for t, s in zip(FOUND, server, strict=False) if not s]
    assert not any(server[len(FOUND):len(FOUND) + len(NOT_FOUND)])
    assert sum(1 for s in server if s) >= 80  # the labelled set has many personal details


def test_a_post_the_phone_warns_about_is_held_when_sent_anyway(young_person, database) -> None:
    text = "I go to Priory School, my snap is jess_2010"
    assert server_rules(text) == {"school", "social_handle"}
    yp = young_person()
    r = yp.post("/api/v1/boards/just-chat/threads",
                json={"title": "Anyone else?", "body": text, "client_id": str(uuid.uuid4())})
    assert r.status_code == 202, r.text
    answer = r.json()
    assert answer["status"] == "pending"
    row = database.query("SELECT status, risk_level, risk_categories FROM forum_post WHERE id = $1",
                         uuid.UUID(answer["id"]))[0]
    # Held for a moderator (never auto-published), with what the phone warned about.
    assert row["status"] == "pending" and row["risk_level"] == "medium"
    assert "personal_details" in row["risk_categories"]
