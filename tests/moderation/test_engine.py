"""Tests of the moderation engine (moderation/): categories, tricks, offsets, contexts,
watched words, rules as data, the phone vocabulary, and the labelled set."""
from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from moderation import CATEGORIES, LEVELS, Rules, Verdict, WatchedWord, assess, risk_vocabulary
from moderation.engine import _WORD_START
from moderation.report import ORDINARY, evaluate, format_table, load
from moderation.report import main as report_main

HERE = Path(__file__).parent
LABELLED = HERE / "labelled.jsonl"
DEV = Path(__file__).parents[2] / "moderation" / "data" / "dev.jsonl"


def cats(text, context=None, rules=None):
    return set(assess(text, context, rules).categories)


# -- API ------------------------------------------------------------------------------------
def test_constants_and_default_rules():
    assert LEVELS == ("none", "low", "medium", "high", "urgent")
    assert Rules.default() is Rules.default()  # compiled once
    assert Rules.default().categories == CATEGORIES
    for c in ("risk_to_life", "self_harm", "abuse_bullying", "hate", "sexual", "grooming",
              "personal_details", "profanity", "spam", "watched_word"):
        assert c in CATEGORIES


def test_verdict_shape_and_json():
    v = assess("I want to die. text me on 07700 900123")
    assert isinstance(v, Verdict)
    with pytest.raises(dataclasses.FrozenInstanceError):
        v.level = "none"
    assert v.level == "urgent" and v.action == "hold"
    assert v.categories == ("risk_to_life", "personal_details")  # most severe first
    assert v.is_risk_to_life and v.needs_support
    d = json.loads(json.dumps(v.to_dict()))
    assert set(d) == {"level", "categories", "spans", "action", "reasons"}
    assert {tuple(s) for s in (x.keys() for x in d["spans"])} == {
        ("start", "end", "category", "rule", "text")}
    assert [s["rule"] for s in d["spans"]] == ["risk_to_life:want_to_die", "personal_details:phone"]


def test_nothing_found():
    v = assess("does anyone have tips for revising for GCSE maths?")
    assert (v.level, v.categories, v.spans, v.action) == ("none", (), (), "publish_ok")
    assert not v.needs_support and not v.is_risk_to_life
    assert assess("").action == "publish_ok" and assess(None).level == "none"


# -- risk to life: lean to safety -------------------------------------------------------
RISK = [
    "I don't want to kill myself anymore", "I tried to end it last year",
    "is it normal to think about not being here?", "everyone would be better off without me",
    "I want to disappear forever", "I've written my goodbye letters",
    "what's the point of living", "unalive myself", "kms", "i want to die",
    "killing myself", "i killed myself in my dreams", "she said she wants to kill herself",
    "my friend is talking about suicide", "wish i was never born", "I'm a burden to everyone",
    "i took too many pills", "I can't do this anymore", "i hope i never wake up",
]


@pytest.mark.parametrize("text", RISK)
def test_risk_to_life_is_urgent_and_needs_support(text):
    v = assess(text)
    assert "risk_to_life" in v.categories and v.level == "urgent"
    assert v.action == "hold" and v.needs_support and v.is_risk_to_life


IDIOMS = [
    "this exam is killing me", "I'd die for those shoes", "I'm dead 😂", "my phone is dying",
    "I nearly died laughing", "killing it at football", "the cliffhanger killed me",
    "dead tired", "my mum's gonna kill me", "i'm gonna die if she sees this lol",
    "I'd rather die than wear that", "just watched suicide squad", "ran 5 kms today",
    "thinking of dying my hair blue", "I want to end things with my boyfriend",
    "my character keeps dying in fortnite", "how do I end an essay?",
]


@pytest.mark.parametrize("text", IDIOMS)
def test_ordinary_idioms_are_not_risk(text):
    assert "risk_to_life" not in cats(text)


# -- each category ----------------------------------------------------------------------
@pytest.mark.parametrize("text, category, level", [
    ("I've been cutting again", "self_harm", "high"),
    ("i relapsed last night", "self_harm", "high"),
    ("clean for 30 days today", "self_harm", "medium"),   # recovery: held and support, not raised to high
    ("30 days clean!!", "self_harm", "medium"),
    ("I keep burning myself", "self_harm", "high"),
    ("i used to self harm but i'm 2 years clean and proud", "self_harm", "medium"),
    ("my step-dad hits me", "danger_from_others", "high"),
    ("someone at home is hurting me", "danger_from_others", "high"),
    ("I'm being bullied", "abuse_bullying", "medium"),   # held for a moderator, not an emergency
    ("you're so ugly", "abuse_bullying", "high"),
    ("add me on snap", "grooming", "high"),
    ("what's your insta", "grooming", "high"),
    ("dm me on whatsapp", "grooming", "high"),
    ("let's talk somewhere private", "grooming", "high"),
    ("send me a pic", "grooming", "high"),
    ("how old are you?", "grooming", "low"),
    ("where do you live", "grooming", "low"),
    ("which school do you go to", "grooming", "low"),
    ("are you home alone?", "grooming", "high"),
    ("I'll buy you a present", "grooming", "high"),
    ("send nudes", "sexual", "high"),
    ("i'm so horny", "sexual", "medium"),
    ("go back to your own country", "hate", "high"),
    ("that's so gay", "hate", "high"),
    ("this is fucking stupid", "profanity", "low"),
    ("ffs", "profanity", "low"),
    ("BUY NOW cheap followers", "spam", "medium"),
    ("invest in crypto", "spam", "medium"),
    ("THIS IS THE BEST DEAL EVER YOU WILL NOT BELIEVE IT", "spam", "low"),
    ("sooooooooooooooooooooooooooo", "spam", "medium"),
])
def test_category_examples(text, category, level):
    v = assess(text)
    assert category in v.categories, v.to_dict()
    assert LEVELS.index(v.level) >= LEVELS.index(level)


def test_kys_is_abuse_high_not_author_risk():
    for text in ("kys", "go kill yourself", "k y s loser", "you should neck yourself"):
        v = assess(text)
        assert v.categories[0] == "abuse_bullying" and v.level == "high", text
        assert v.action == "hold" and not v.needs_support
        assert any(s.rule == "abuse_bullying:telling_to_kill_self" for s in v.spans)


def test_caring_reply_is_not_bullying():
    v = assess("please don't kill yourself, you matter")
    assert v.categories == ("risk_to_life",)


@pytest.mark.parametrize("text, found", [
    ("text me on 07700 900123", "07700 900123"),
    ("ring +44 7700 900123 pls", "+44 7700 900123"),
    ("my number is 07700-900-123", "07700-900-123"),
    ("call 020 7946 0018", "020 7946 0018"),
    ("mail me: jo.b@example.co.uk", "jo.b@example.co.uk"),
    ("my postcode is PO1 2AB", "PO1 2AB"),
    ("near SW1A 1AA", "SW1A 1AA"),
    ("I live at 12 Acacia Road", "12 Acacia Road"),
    ("I go to St Mary's Academy", "St Mary's Academy"),
    ("i'm at Kingsway High School", "Kingsway High School"),
    ("insta: @ellie.m", "@ellie.m"),
    ("snap: xyz_123", "snap: xyz_123"),
    ("my tiktok is dancequeen", "my tiktok is dancequeen"),
    ("see https://example.com/x", "https://example.com/x"),
    ("bit.ly/abc", "bit.ly/abc"),
    ("i live in portsmouth", "i live in portsmouth"),
])
def test_personal_details_with_spans(text, found):
    v = assess(text, {"kind": "post"})
    spans = [s for s in v.spans if s.category == "personal_details"]
    assert spans, v.to_dict()
    assert any(found in text[s.start:s.end] or text[s.start:s.end] in found for s in spans)
    assert v.level == "medium" and v.action == "hold"


def test_help_links_and_numbers_are_fine():
    for text in ("childline.org.uk helped me", "see https://www.nhs.uk/mental-health/",
                 "call childline on 0800 1111", "samaritans 116 123", "text SHOUT to 85258"):
        assert assess(text).categories == (), text


def test_ordinary_places_numbers_and_school_talk_are_fine():
    for text in ("I live in a small town", "a 2 hour drive", "a 10 minute walk", "i go to school by bus",
                 "first day of sixth form", "I'm in year 10", "my ps5 2nd controller broke",
                 "I'm scared of spiders", "I'm trans and proud"):
        assert assess(text).categories == (), text


# -- normalisation tricks, inflections and offsets ---------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("k i l l myself", "k i l l myself"),
    ("k.i.l.l my self", "k.i.l.l my self"),
    ("su1cide", "su1cide"),
    ("$uicidal", "$uicidal"),
    ("i want to k1ll mys3lf", "k1ll mys3lf"),
    ("killl myselfff", "killl myselfff"),
    ("i wanna dieeeee", "wanna dieeeee"),
    ("KILL MYSELF", "KILL MYSELF"),
    ("kíll mysélf", "kíll mysélf"),
    ("ｋｉｌｌ ｍｙｓｅｌｆ", "ｋｉｌｌ ｍｙｓｅｌｆ"),
    ("ki\u200bll myself", "ki\u200bll myself"),
    ("kіll myself", "kіll myself"),  # Cyrillic і
    ("😭😭 kill 🔪 myself", "kill 🔪 myself"),
    ("Straße… i want to die", "want to die"),  # ß and … change the length
    ("ﬁne but i want to die", "want to die"),
    ("u n a l i v e", "u n a l i v e"),
    ("#killmyself", "killmyself"),
])
def test_tricks_and_offsets(text, expected):
    v = assess(text)
    risk = [s for s in v.spans if s.category == "risk_to_life"]
    assert risk, (text, v.to_dict())
    assert text[risk[0].start:risk[0].end] == expected == risk[0].text


@pytest.mark.parametrize("text", ["kill myself", "killing myself", "killed myself", "kills myself",
                                  "i cut myself", "i'm cutting", "she cuts herself"])
def test_inflections(text):
    assert cats(text) & {"risk_to_life", "self_harm"}


def test_span_offsets_point_at_original_text():
    text = "Hi 👋🏽 café… I’ve written my goodbye letters, email me at a.b@c.com"
    v = assess(text)
    found = {(s.category, text[s.start:s.end]) for s in v.spans}
    assert ("risk_to_life", "written my goodbye") in found
    assert ("risk_to_life", "goodbye letters") in found
    assert ("personal_details", "a.b@c.com") in found
    for s in v.spans:
        assert s.text == text[s.start:s.end]


# -- contexts, ages and actions ------------------------------------------------------------
def test_chat_allows_personal_details_but_not_risk():
    text = "I go to St Mary's Academy and call me on 07700 900123"
    assert assess(text, {"kind": "chat"}).categories == ()
    assert assess(text, {"kind": "chat"}).action == "publish_ok"
    assert "personal_details" in assess(text, {"kind": "post"}).categories
    v = assess("I go to St Mary's Academy and I want to die", {"kind": "chat"})
    assert v.categories == ("risk_to_life",) and v.action == "hold" and v.needs_support


def test_journal_reports_only_support_categories_and_never_holds():
    v = assess("fuck it, i want to die. my snap is xyz123", {"kind": "journal"})
    assert v.categories == ("risk_to_life",) and v.needs_support
    assert v.action == "publish_ok"
    assert assess("my dad hits me", {"kind": "journal"}).categories == ("danger_from_others",)


def test_unknown_kind_is_treated_as_post():
    assert assess("ffs", {"kind": "other"}).action == "hold"
    assert assess("ffs", {}).action == "hold"


def test_profanity_holds_posts_not_chat():
    assert assess("this is shit", {"kind": "post"}).action == "hold"
    v = assess("this is shit", {"kind": "chat"})
    assert (v.level, v.action) == ("low", "publish_ok")


def test_adult_author_grooming_is_urgent():
    # "how old are you?" alone is small talk between young people: low, still held on the forum
    v = assess("how old are you?", {"kind": "post", "author_age": 15})
    assert (v.level, v.action, v.categories) == ("low", "hold", ("grooming",))
    assert assess("how old are you?", {"kind": "post", "author_age": None}).level == "low"
    # with another grooming sign it is a pattern: high
    assert assess("how old are you? add me on snap", {"kind": "post", "author_age": 15}).level == "high"
    # from an adult, urgent
    assert assess("how old are you?", {"kind": "post", "author_age": 19}).level == "urgent"


# -- watched words ---------------------------------------------------------------------------
def test_watched_words_block_hold_flag():
    base = Rules.default()
    rules = base.with_watched_words([WatchedWord("badsite.com", "block"),
                                     WatchedWord("vape*", "hold"),
                                     WatchedWord("homework club", "flag")])
    assert base.watched == ()  # the default rules are not changed
    v = assess("go to badsite.com", rules=rules)
    assert v.action == "block" and "watched_word" in v.categories
    assert any(s.rule == "watched_word:block:badsite.com" for s in v.spans)
    v = assess("anyone selling VAPES", rules=rules)
    assert (v.action, v.level) == ("hold", "medium")
    assert v.spans[0].text == "VAPES"
    v = assess("homework   club was fun", {"kind": "post"}, rules)
    assert (v.action, v.level, v.categories) == ("publish_ok", "low", ("watched_word",))
    assert assess("homework club", rules=base).categories == ()
    v = assess("v4pe shop, I want to die", rules=rules)  # l33t, and the more severe wins
    assert v.level == "urgent" and v.categories == ("risk_to_life", "watched_word")


def test_watched_word_validation():
    with pytest.raises(ValueError):
        WatchedWord("x", "delete")
    with pytest.raises(ValueError):
        WatchedWord("!!!", "block")


# -- rules are data ------------------------------------------------------------------------------
def test_rules_from_data_and_json(tmp_path):
    import yaml
    docs = [yaml.safe_load(p.read_text(encoding="utf-8"))
            for p in sorted((Path(__file__).parents[2] / "moderation" / "rules").glob("*.yaml"))]
    docs.append({"spam": {"rules": {"custom": {"words": ["mega deal[a-z]*"]}}}})
    rules = Rules.from_data(docs)
    assert "spam:custom" in {s.rule for s in assess("a mega dealz!", rules=rules).spans}
    # a rule file may be JSON
    for i, d in enumerate(docs):
        (tmp_path / f"{i:02d}.json").write_text(json.dumps(d), encoding="utf-8")
    assert assess("a mega deal", rules=Rules.from_dir(tmp_path)).categories == ("spam",)
    with pytest.raises(ValueError):
        Rules.from_data(docs + [{"nonsense": {"rules": {"x": {"words": ["x"]}}}}])
    with pytest.raises(ValueError):
        Rules.from_data(docs + [{"spam": {"rules": {"y": {"wrods": ["x"]}}}}])


CONTRACTIONS = {"dont": "don't", "cant": "can't", "wont": "won't", "im": "i'm", "ive": "i've",
                "youre": "you're", "whats": "what's", "thats": "that's", "isnt": "isn't",
                "didnt": "didn't", "doesnt": "doesn't", "shouldnt": "shouldn't"}


def test_words_patterns_are_written_with_apostrophes():
    """In "words" patterns an apostrophe is optional, so write "don't" (it matches "dont"
    too); a bare "dont" alone would miss "don't"."""
    rules = Rules.default()
    pats = [(f"{c}:{r}", p) for c, b in rules.data["categories"].items()
            for r, rule in b["rules"].items() for p in rule.get("words") or ()]
    pats += [(f"macro {k}", v) for k, v in rules.macros.items()]
    for rid, pat in pats:
        for bare, full in CONTRACTIONS.items():
            if re.search(rf"(?<![a-z']){bare}\b(?! \??app)", pat):
                assert full in pat, f"{rid}: write {full!r}, not only {bare!r}: {pat}"


def test_prefilter_never_leaves_out_a_pattern_that_matches():
    """The RE2 prefilter names every pattern that matches at some word start (of the words
    view and of the spaced-letters view), so trying only its candidates finds what trying
    every pattern would: the verdicts are the same."""
    rules = Rules.default()
    windex = rules.words_index
    assert windex.unindexed == []  # every pattern is indexed (fast path)
    assert windex.prefilter.always == frozenset()  # and every one is in the RE2 set
    items = load(LABELLED)[::2] + load(DEV)[::25] + [{"text": t} for t in RISK + IDIOMS + ["k i l l my self"]]
    matched = 0
    for item in items:
        plain, _ = rules.normaliser.plain(item["text"])
        words = rules.normaliser.words(plain)
        joined = rules.normaliser.joined(words)
        for subject in (words, *([joined[0]] if joined else [])):
            maybe = windex.prefilter.candidates(subject)
            for m in _WORD_START.finditer(subject):
                for i, (rx, info) in enumerate(windex.rules):
                    if rx.match(subject, m.start()):
                        matched += 1
                        assert i in maybe, (info.id, subject)
    assert matched > 200


def test_prefilter_is_looser_never_stricter():
    from moderation.patterns import Prefilter, prefilter_source

    # lookaheads are left out (the full pattern still decides), quantified ones make it unusable
    assert prefilter_source(r"\b(?:die\b(?! *of))\b") == r"\b(?:die\b)\b"
    assert prefilter_source(r"\bgo(?=od)") == r"\bgo"
    assert prefilter_source(r"\b(?:a(?!b)*)") is None
    # what RE2 reads differently or not at all: always a candidate
    for src in (r"\b(\w+) \1\b", r"end$", r"^start", r"(?<=x)y", r"a\Z"):
        assert prefilter_source(src) is None, src
    pf = Prefilter([r"\bkill\b", None, r"\bdie\b"])
    assert pf.candidates("i want to die") == {1, 2}
    assert pf.candidates("a quiet day") == {1}
    assert Prefilter([r"\bkill\b"]).candidates("nothing here") == frozenset()
    ordinary = rules_words("what's everyone doing at the weekend? bowling with my cousins")
    assert Rules.default().words_index.prefilter.candidates(ordinary) == frozenset()
    assert Rules.default().words_index.prefilter.candidates(rules_words("i want to die")) != frozenset()


def rules_words(text: str) -> str:
    n = Rules.default().normaliser
    return n.words(n.plain(text)[0])


def test_warm_up_loads_the_learned_layer():
    from moderation.model import default_model

    rules = Rules.default().warm_up()
    assert rules.compiled and default_model.cache_info().currsize == 1


@pytest.mark.parametrize("text", [
    "a " * 10000, "a" * 20000, "0 7 " * 5000, "a." * 10000, "http://" + "a" * 20000,
    "a." * 6000 + "@b", "k\u200b" * 10000, "I want to die. " * 1300, "spam " * 4000,
    "ABC! " * 4000, "😂❤️" * 5000, "@" * 20000 + "x", "my self " * 2500,
])
def test_long_and_hostile_text_stays_fast(text):
    """Work grows about linearly with length (no regex blows up): 20,000 characters well
    under a second on a normal machine; the bound is loose for busy CI machines."""
    import time
    Rules.default().warm_up()
    start = time.process_time()
    assess(text)
    assert time.process_time() - start < 2.5


# -- the phone vocabulary ----------------------------------------------------------------------
PYTHON_ONLY = re.compile(r"\(\?P|\(\?[aiLmsux-]+[):]|\(\?<[=!]|\(\?>|\(\?#|[*+?}]\+|\\[AZ]")


def test_risk_vocabulary_is_json_and_javascript_compatible():
    vocab = risk_vocabulary()
    json.dumps(vocab)
    assert set(vocab["categories"]) == {"risk_to_life", "danger_from_others", "self_harm"}
    assert vocab["model"]["categories"] == ["risk_to_life", "self_harm", "danger_from_others"]
    assert vocab["categories"]["risk_to_life"]["level"] == "urgent"
    sources = [p["source"] for c in vocab["categories"].values() for p in c["patterns"]]
    sources += [a for c in vocab["categories"].values() for a in c["allow"]]
    for step in vocab["normalise"]["steps"]:
        sources += [step[k] for k in ("token", "skip_if_token_is", "pattern") if k in step]
    sources += [src for part in ("before", "after", "clause", "story_before", "story_clause", "unless")
                for src in vocab["dampen"][part]]
    sources += [vocab["model"]["token"], vocab["model"]["run"]]
    sources.append(vocab["normalise"]["spaced_letters"]["pattern"])
    assert len(sources) > 50
    for src in sources:
        re.compile(src)
        assert not PYTHON_ONLY.search(src), src
    assert set(vocab["flags"]) <= set("gimsuy")


# A story (the past, recovery, someone else's words, a song) that the same clause says is the
# author's now: the risk is found, not dropped as a story.
STORY_NOW = [
    "he told me to kill myself and honestly i think i will",
    "people at school told me to kill myself so i probably should",
    "i used to think about ending my life and it's back now",
    "the lyrics say i want to die and that's literally me rn",
    "i was suicidal when i was 14 and the feelings are coming back",
]
# ... and stories that stay stories (or negations, which "unless" never touches)
STORY_PAST = [
    "i was suicidal when i was 14, it's so much better now",
    "i'm not going to kill myself again, i promise",
    "i used to want to die but therapy really helped me",
]


@pytest.mark.parametrize("text", STORY_NOW)
def test_a_story_that_is_the_authors_now_is_risk_to_life(text):
    v = assess(text, {"kind": "post"})
    assert "risk_to_life" in v.categories, v.reasons
    assert v.level == "urgent" and v.needs_alert


@pytest.mark.parametrize("text", STORY_PAST)
def test_a_story_of_the_past_or_a_negation_stays_dropped(text):
    assert "risk_to_life" not in assess(text, {"kind": "post"}).categories


def run_phone_check(tmp_path, texts: list[str]) -> list[set[str]]:
    """The PWA's own risk check (pwa/js/risk-check.js) under Node, on these texts."""
    assert shutil.which("node"), "node is needed to run the phone-side risk check"
    vocab = tmp_path / "vocab.json"
    vocab.write_text(json.dumps(risk_vocabulary()), encoding="utf-8")
    out = subprocess.run(["node", "--experimental-detect-module", str(HERE / "risk_check.mjs"), str(vocab)],
                         input="\n".join(json.dumps(t) for t in texts), text=True,
                         capture_output=True, check=True).stdout.splitlines()
    assert len(out) == len(texts)
    return [set(json.loads(line)) for line in out]


SUPPORT = ("risk_to_life", "danger_from_others", "self_harm")


def server_support(text: str) -> set[str]:
    return {c for c in assess(text, {"kind": "journal"}).categories if c in SUPPORT}


def test_phone_check_agrees_with_the_server_on_the_examples(tmp_path):
    texts = [*RISK, *IDIOMS, "my dad said if i tell anyone he will hurt me", "this isn't a suicide post",
             "i'm not suicidal, just tired", "k i l l myself", "the friendship will end, it's happened before",
             *STORY_NOW, *STORY_PAST]
    for text, phone in zip(texts, run_phone_check(tmp_path, texts), strict=True):
        assert phone == server_support(text), text


def test_phone_check_agrees_with_the_server_on_the_development_set(tmp_path):
    """Journal-like items (first-person posts of the dev split: risky and ordinary lines):
    the phone and the server find the same support categories for at least 95 % of them."""
    items = [it for it in load(DEV) if it["label"] in (*SUPPORT, "ordinary")]
    texts = [it["text"] for it in items]
    phone = run_phone_check(tmp_path, texts)
    agree = sum(p == server_support(t) for t, p in zip(texts, phone, strict=True))
    assert agree / len(texts) >= 0.95, agree / len(texts)


# -- the labelled set -------------------------------------------------------------------------
def test_labelled_set_is_large_and_valid():
    items = load(LABELLED)
    assert len(items) >= 400
    assert len({it["text"] for it in items}) == len(items)
    for it in items:
        assert set(it["categories"]) <= set(CATEGORIES) and it["level"] in LEVELS
    risky = sum(bool({"risk_to_life", "self_harm", "abuse_bullying"} & set(it["categories"]))
                for it in items)
    personal = sum("personal_details" in it["categories"] for it in items)
    ordinary = sum(not it["categories"] for it in items)
    assert risky >= 100 and personal >= 100 and ordinary >= 150


def test_labelled_set_recall_and_precision(capsys):
    result = evaluate(load(LABELLED))
    with capsys.disabled():
        print("\n" + format_table(result))
    table = result["categories"]
    assert table["risk_to_life"]["recall"] == 1.0
    assert table[ORDINARY]["precision"] > 0.8 and table[ORDINARY]["recall"] > 0.8
    for c, n in table.items():
        if c != ORDINARY:
            assert n["recall"] >= 0.9 and n["precision"] >= 0.8, (c, n)
    assert result["level_under"] == 0


def test_every_labelled_risk_message_is_urgent_and_held():
    for it in load(LABELLED):
        if "risk_to_life" in it["categories"]:
            v = assess(it["text"])
            assert (v.level, v.action) == ("urgent", "hold"), it["text"]


def test_report_command(capsys):
    assert report_main([str(LABELLED)]) == 0
    out = capsys.readouterr().out
    assert "risk_to_life" in out and "recall" in out and "(ordinary)" in out
