"""Risk detection as issue 10 asks: the labelled sets, the learned layer, danger from
others, negation / fiction / clause handling, and the held-out figures as floors."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from moderation import assess
from moderation.data import build_dataset
from moderation.model import MODEL_PATH, default_model
from moderation.report import SPLITS, by_family, load

ROOT = Path(__file__).parents[2]
SUPPORT = {"risk_to_life", "danger_from_others", "self_harm"}
LABELS = {"risk_to_life", "self_harm", "danger_from_others", "abuse_bullying", "ordinary"}


def support(text: str, kind: str = "post") -> set[str]:
    return set(assess(text, {"kind": kind}).categories) & SUPPORT


# -- the labelled sets ----------------------------------------------------------------------------
def test_sets_are_large_labelled_and_split():
    dev, held = load(SPLITS["dev"]), load(SPLITS["heldout"])
    assert len(dev) >= 5000 and len(held) >= 350
    for it, split in [(i, "dev") for i in dev] + [(i, "heldout") for i in held]:
        assert it["split"] == split and it["family"] and it["text"].strip()
        assert it["label"] in LABELS or it["family"] == "legacy"
    key = build_dataset.key
    assert not {key(i["text"]) for i in dev} & {key(i["text"]) for i in held}  # never the same line
    fams = {i["family"] for i in dev}
    for family in ("explicit", "implicit", "passive", "plan", "farewell", "past_attempt", "third_party",
                   "self_harm", "danger", "hyperbole", "fiction", "news", "lyrics", "negation", "other_meanings",
                   "kisses", "small_talk", "bump", "clause_boundary", "sad_ordinary", "long_risk_to_life",
                   "long_ordinary", "everyday", "forum_ordinary"):
        assert family in fams, family
    assert {i["family"] for i in held} >= {"explicit", "implicit", "plan", "farewell", "past_attempt",
                                          "third_party", "self_harm", "danger", "negation", "fiction"}


def test_set_files_are_what_the_seeded_builder_makes():
    dev, held = build_dataset.build()
    assert [json.loads(line) for line in SPLITS["dev"].read_text(encoding="utf-8").splitlines()] == dev
    assert [json.loads(line) for line in SPLITS["heldout"].read_text(encoding="utf-8").splitlines()] == held


def test_model_was_trained_on_the_current_dev_split():
    """model.json is generated (make train-moderation): retrain when the dev split changes."""
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert data["trained_on"]["sha256"] == hashlib.sha256(SPLITS["dev"].read_bytes()).hexdigest()
    assert set(data["thresholds"]) == SUPPORT
    assert MODEL_PATH.stat().st_size < 2_000_000


# -- the held-out split: floors just under what was measured (moderation/README.md) ------------
FLOORS = {  # split: {group: share at high+ and share shown support, at least}, just under what was measured
    "heldout": {  # measured 0.900, 0.904, 1.000, 0.977
        "risk_to_life (explicit, first person)": 0.89,
        "risk_to_life (all)": 0.90,
        "self_harm (all)": 0.98,
        "danger_from_others (all)": 0.96,
    },
    "heldout_long": {  # long posts (heldout_long.txt); measured 0.953, 0.947, 0.933, 1.000
        "risk_to_life (explicit, first person)": 0.94,
        "risk_to_life (all)": 0.93,
        "self_harm (all)": 0.93,
        "danger_from_others (all)": 0.98,
    },
}
MAX_FALSE_ALARMS = {  # split: (ordinary raised to high, ... to medium or above), at most
    "heldout": (0.02, 0.02),        # measured 0.013, 0.016
    "heldout_long": (0.045, 0.11),  # measured 0.040, 0.104 (medium: recovery milestones and being bullied)
}


@pytest.mark.parametrize("split", sorted(FLOORS))
def test_heldout_figures_stay_above_their_floors(split):
    result = by_family(load(SPLITS[split]))
    groups = result["groups"]
    for name, floor in FLOORS[split].items():
        assert groups[name]["high"] >= floor, (name, groups[name])
        assert groups[name]["support"] >= floor, (name, groups[name])
    high, medium = MAX_FALSE_ALARMS[split]
    assert groups["ordinary (all): false alarms"]["high"] <= high, groups["ordinary (all): false alarms"]
    assert groups["ordinary (all): false alarms"]["medium"] <= medium, groups["ordinary (all): false alarms"]


def test_long_post_split_is_long_varied_and_mostly_ordinary():
    held = load(SPLITS["heldout_long"])
    assert len(held) >= 200 and all(len(it["text"]) >= 200 and it["split"] == "heldout_long" for it in held)
    ordinary = sum(it["label"] == "ordinary" for it in held) / len(held)
    assert 0.5 <= ordinary <= 0.6
    assert {it["label"] for it in held} == {"ordinary", "risk_to_life", "self_harm", "danger_from_others"}
    dev_keys = {build_dataset.key(it["text"]) for it in load(SPLITS["dev"])}
    assert not dev_keys & {build_dataset.key(it["text"]) for it in held}   # never trained on


MAX_FALSE_ALARMS_REAL_POSTS = 0.02  # realistic ordinary posts (post_* families) raised to high (measured 0.014)


def test_realistic_ordinary_posts_are_rarely_raised():
    """Sad, worried, angry posts about family, school, bodies, grief and identity, in young
    people's own words (heldout_posts.txt): the false alarms a real forum sees most."""
    posts = [it for it in load(SPLITS["heldout"]) if it["label"] == "ordinary" and it["family"].startswith("post_")]
    assert len(posts) > 100
    raised = [it["text"] for it in posts if assess(it["text"]).level in ("high", "urgent")]
    assert len(raised) / len(posts) <= MAX_FALSE_ALARMS_REAL_POSTS, raised


# -- what the issue names -------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "I would like to die", "I can't live anymore", "I really just want to OD and call it a day",
    "have everything set up for me to die, I'm ready", "i'm gonna do it before the 13th",
    "I don't want anyone to find my body", "I've got a plan and I know when I'm going to do it",
    "I've given away my stuff, it feels calmer now I've decided", "i dont see myself being alive at 18",
    "thinking about sucide", "i feel so sucidal", "i want to kil myself", "my friend said she wants to end it",
])
def test_missed_risk_is_now_urgent_with_support_and_an_alert(text):
    v = assess(text)
    assert "risk_to_life" in v.categories and v.level == "urgent", v.to_dict()
    assert v.needs_support and v.needs_alert and v.action == "hold"


@pytest.mark.parametrize("text", [
    "my dad said if i tell anyone he will hurt me", "my stepdad hits me when he's drunk", "im scared to go home",
    "he said he'd kill me if i told anyone", "they said theyre gonna beat me up after school",
    "my mum's boyfriend threatened me", "i'm not safe at home",
])
def test_danger_from_others_gets_support_and_an_alert(text):
    v = assess(text)
    assert v.categories[0] == "danger_from_others" and v.level == "high", v.to_dict()
    assert v.needs_support and v.needs_alert and v.action == "hold"
    assert "abuse_bullying" not in v.categories


@pytest.mark.parametrize("text", [
    "this isn't a suicide post i just need to vent", "i'm not suicidal, just tired",
    "in the film they go on a suicide mission", "my character died in minecraft", "killed the boss finally",
    "this homework is killing me", "i'm dead 😂", "the friendship will end, it's happened before",
    "love you loads xxx", "he hit me with his bag in the corridor but it was an accident",
    "we were play fighting and he punched me", "my little brother threw a pillow at me lol",
    "listening to that song that goes i wanna die young", "we did an assembly on suicide prevention",
])
def test_hard_negatives_are_not_raised(text):
    v = assess(text)
    assert v.level in ("none", "low"), v.to_dict()
    assert not v.needs_support and not v.needs_alert


def test_negation_does_not_hide_what_follows_it():
    assert "risk_to_life" in support("i'm not suicidal but i want to die")
    assert "risk_to_life" in support("not gonna lie, i want to kill myself")


def test_kys_at_someone_stays_bullying():
    for text in ("kys", "go kill yourself loser"):
        v = assess(text)
        assert v.categories[0] == "abuse_bullying" and not v.needs_alert, text


def test_small_talk_is_low_and_kisses_are_not_sexual():
    assert assess("where are you from?", {"kind": "post", "author_age": 14}).level == "low"
    assert assess("thank you so much xxx").categories == ()


# -- the learned layer explains itself -----------------------------------------------------------------
def test_learned_finding_has_a_reason_and_a_span_in_the_original_text():
    text = "Honestly… the world would be fine without me in it 😔"
    assert not assess(text, model=False).categories  # no rule: the learned layer finds it
    v = assess(text)
    learned = [s for s in v.spans if s.rule == "risk_to_life:learned"]
    assert learned and v.reasons
    assert all(s.text == text[s.start:s.end] and s.text for s in learned)
    assert any(r.startswith("risk_to_life ") and "learned" in r for r in v.reasons)
    assert v.to_dict()["reasons"] == list(v.reasons)


def test_dropped_rule_finding_says_why():
    v = assess("this isn't a suicide post")
    assert v.categories == () and any("not counted" in r for r in v.reasons)


def test_rules_only_and_model_only_are_possible():
    assert default_model() is not None
    assert not any(s.rule.endswith(":learned") for s in assess("i want to die", model=False).spans)
    assert assess("i want to die", model=False).level == "urgent"


def test_risk_in_one_clause_of_a_long_post_is_found():
    post = ("so school has been really busy, we had mocks and a trip to the museum, my mum got a new job "
            "and my brother is being annoying as always. i went to the cinema with my friends on saturday "
            "which was fun. but honestly i dont want to be here anymore and i dont know who to tell. "
            "anyway sorry for the long post, what is everyone doing at half term?")
    assert len(post) <= 600
    assert "risk_to_life" in support(post)
    assert "risk_to_life" in support(post, "journal") and "risk_to_life" in support(post, "chat")


# -- odd input ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["", "   ", "😂😂😂", "...", "\n\n", "1234", "'''", None, 42])
def test_odd_input_is_ordinary(text):
    v = assess(text)
    assert v.level == "none" and v.categories == () and not v.needs_alert


def test_model_scores_empty_and_long_text():
    model = default_model()
    assert all(0 < s.probability < 1 for s in model.score(""))
    words = "i had a long day at school and " * 300 + "i want to end my life"
    found = {s.category: s.probability for s in model.score(words)}
    assert found["risk_to_life"] > model.thresholds["risk_to_life"]["raise"]


def test_report_command_per_family(capsys):
    from moderation.report import main
    assert main(["--split", "heldout"]) == 0
    out = capsys.readouterr().out
    assert "risk_to_life (explicit, first person)" in out and "ordinary/negation" in out
    assert main(["--split", "nonsense"]) == 2


# -- recovery stories and school worries: held, not raised as an emergency (issue 10, long posts) --
@pytest.mark.parametrize("text", [
    "just wanted to share that today is 100 days clean from self harm!! i still get urges sometimes but i use my coping box",
    "i've been clean from sh for a year and a half and my scars are fading to silver",
    "i used to self harm but i'm 2 years clean and proud",
    "i was really suicidal when i was 14, like i genuinely didnt think id see 15. i'm 18 now and i just got into uni",
])
def test_recovery_stories_are_not_raised_to_high(text):
    v = assess(text)
    assert v.level not in ("high", "urgent"), v.to_dict()


@pytest.mark.parametrize("text", [
    "i relapsed last night after 4 months clean", "im 3 weeks clean from sh but the urges are really bad tonight",
    "i tried to kill myself two years ago and the same thoughts are back now",
    "i used to be happy but now i want to die",
])
def test_relapse_and_feelings_now_stay_raised(text):
    v = assess(text)
    assert v.level in ("high", "urgent") and v.needs_support, v.to_dict()


@pytest.mark.parametrize("text", ["my maths teacher is so unfair, she picks on me every lesson", "i'm being bullied in pe because i'm not sporty"])
def test_being_bullied_is_held_at_medium_without_an_alert(text):
    v = assess(text, {"kind": "post"})
    assert v.categories == ("abuse_bullying",) and v.level == "medium", v.to_dict()
    assert v.action == "hold" and not v.needs_alert


def test_long_posts_are_held_to_their_own_learned_threshold():
    """A long post's best stretch is picked from many, so train.py picks "raise_long" (never
    under "raise") on the dev split's hand-written long posts; the phone gets it too."""
    from moderation.engine import raise_thresholds, risk_vocabulary
    model = default_model()
    short, long = "i feel a bit low today", " ".join(["i went to school and it was fine"] * 8)
    for cat, t in model.thresholds.items():
        assert t["long_tokens"] > len(short.split()) and t["raise_long"] >= t["raise"]
        assert raise_thresholds(model, short)[cat] == t["raise"]
        assert raise_thresholds(model, long)[cat] == t["raise_long"]
    exported = risk_vocabulary()["model"]["thresholds_long"]
    assert exported == {c: [t["long_tokens"], t["raise_long"]] for c, t in model.thresholds.items()}
