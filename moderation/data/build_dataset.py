"""Build the labelled sets from their sources (seeded: the same files every run).

    python -m moderation.data.build_dataset        # writes dev.jsonl and heldout.jsonl

* ``heldout.txt`` and ``heldout_posts.txt`` (hand-written, never tuned on) -> ``heldout.jsonl``,
  split "heldout". The ``post_*`` families are realistic forum posts in young people's own
  voice, mostly sad, worried or angry without a risk to life.
* ``heldout_long.txt`` (hand-written long posts, 200-2000 characters, never tuned on) ->
  ``heldout_long.jsonl``, split "heldout_long", reported on its own row.
* ``dev.txt``, ``dev_posts.txt`` and ``dev_long.txt`` (hand-written; dev_long: long posts), ``tests/moderation/labelled.jsonl`` (the older set, family
  "legacy"), ``article_sentences.txt`` (risk-free sentences of the project's library
  articles, frozen), seeded templates and long composed posts -> ``dev.jsonl``, split "dev".

Each line: ``{"text", "label", "family", "split", "categories", "level"}``; label is one of
risk_to_life, self_harm, danger_from_others, abuse_bullying, ordinary (or, for legacy
lines, their first category). A dev text that is also in the held-out split is dropped
from dev. Wording about methods stays at the level needed to label a message.
"""
from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
LEGACY = ROOT / "tests" / "moderation" / "labelled.jsonl"
LEVEL = {"risk_to_life": "urgent", "self_harm": "high", "danger_from_others": "high", "abuse_bullying": "high",
         "ordinary": "none"}
SEED = 20261201


def read_source(path: Path, split: str) -> list[dict]:
    out, family, label = [], None, None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or (line.startswith("#") and not line.startswith("## ")):
            continue
        if line.startswith("## "):
            family, label = line[3:].split()
            continue
        out.append(item(line, label, family, split))
    return out


def item(text: str, label: str, family: str, split: str, origin: str | None = None) -> dict:
    """One labelled line; ``origin`` names the hand-written line a copy or a long post was made
    from, so that training keeps a line and its copies in the same cross-validation fold."""
    cats = [] if label == "ordinary" else [label]
    out = {"text": text, "label": label, "family": family, "split": split, "categories": cats,
           "level": LEVEL.get(label, "high")}
    if origin:
        out["origin"] = origin
    return out


# -- noise: how young people actually type ---------------------------------------------------------
MISSPELL = {
    "suicide": ["sucide", "suicde", "suiside", "suicid", "sucid", "suacide", "sewer slide"],
    "suicidal": ["sucidal", "suicidle", "suicdal", "sucidle", "suisidal", "suicidial"],
    "myself": ["myslef", "my self", "meself", "mself", "myselff"],
    "kill": ["kil", "kll", "kilk", "kiill"],
    "die": ["dieee", "diee", "dye"],
    "anymore": ["any more", "anymor", "nemore", "anymoree"],
    "because": ["bc", "cuz", "cos", "bcos", "coz"],
    "really": ["rly", "realy", "rlly"],
    "don't": ["dont", "dnt", "don"],
    "i'm": ["im", "i m", "ima"],
    "want": ["wnt", "wamt", "wan"],
    "to": ["2", "too", "ti"],
    "you": ["u", "ya", "yu"],
    "tonight": ["tonite", "2nite", "tnight"],
    "tomorrow": ["tmrw", "tomoz", "tommorow", "2moro"],
    "going": ["goin", "gona", "gonna"],
    "cutting": ["cuttin", "cuting"],
    "self harm": ["selfharm", "self-harm", "sh", "self harn"],
    "scared": ["scred", "scaried", "scarred"],
    "alive": ["alvie", "aliv", "alivee"],
    "everyone": ["every1", "evryone", "everone"],
    "anyone": ["any1", "anyon", "anyome"],
    "please": ["pls", "plz", "pleasee"],
    "know": ["kno", "knw", "no"],
    "what": ["wat", "wht", "wot"],
    "people": ["ppl", "peeps", "poeple"],
}
EMOJI = ["😔", "😭", "💔", "🙃", "😞", "🥲", "😶", "😩", "🖤", "😂", "💀", "🤷", "😢", ":(", ":/", "..."]
TAILS = ["", "", "", " idk", " tbh", " ngl", " lol", " fr", " rn", " i guess", " honestly", " sorry",
         " i dont know what to do", " help", " is that normal", " anyone else?", " ugh", " smh"]


def noisy(text: str, rng: random.Random, strength: float = 0.5) -> str:
    s = text
    if rng.random() < strength:
        for word, subs in MISSPELL.items():
            if rng.random() < 0.35:
                s = re.sub(rf"\b{re.escape(word)}\b", lambda _m, subs=subs: rng.choice(subs), s)
    r = rng.random()
    if r < 0.45:
        s = s.lower()
    elif r < 0.55:
        s = s.upper() if len(s) < 60 else s
    elif r < 0.75:
        s = s[:1].upper() + s[1:]
    if rng.random() < 0.5:
        s = s.replace("'", "").replace("’", "")
    if rng.random() < 0.3:
        s = re.sub(r"[.,!?]", "", s)
    if rng.random() < 0.3:
        s = s + " " + rng.choice(EMOJI)
    if rng.random() < 0.25:
        s = s + rng.choice(TAILS)
    if rng.random() < 0.1:  # a stretched letter
        words = s.split(" ")
        i = rng.randrange(len(words))
        if words[i] and words[i][-1].isalpha():
            words[i] = words[i] + words[i][-1] * rng.randint(1, 3)
        s = " ".join(words)
    return re.sub(r"  +", " ", s).strip()


def fill(template: str, slots: dict[str, list[str]], rng: random.Random) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: rng.choice(slots[m.group(1)]), template)


# -- templates -----------------------------------------------------------------------------------------
S = {
    "open": ["", "", "", "honestly ", "tbh ", "ngl ", "i think ", "sometimes ", "right now ", "lately ",
             "i swear ", "not gonna lie ", "idk anymore ", "i'm sorry but ", "every night ", "today ",
             "after everything ", "at this point ", "i'm so tired and "],
    "want": ["i want to", "i wanna", "i really want to", "i just want to", "i need to", "i feel like i need to",
             "all i want is to", "i would like to", "i'd like to", "i kind of want to", "part of me wants to",
             "i'm ready to", "i've decided to", "i keep wanting to"],
    "going": ["i'm going to", "im gonna", "i'm gonna", "i will", "i'll", "i'm about to", "imma", "i'm going 2",
              "i think i'm going to", "i'm actually going to", "im finally going to"],
    "die": ["die", "kill myself", "end my life", "end it all", "be dead", "not be alive anymore",
            "commit suicide", "unalive myself", "stop living", "end it", "kms", "take my own life", "off myself",
            "just disappear forever", "not exist", "go to sleep and never wake up", "overdose", "od",
            "end everything", "be gone for good", "jump off something high", "hang myself"],
    "when": ["", "", "tonight", "tomorrow", "this weekend", "before my birthday", "on friday", "soon",
             "after school", "when everyone's asleep", "before the 13th", "next week", "after my exams",
             "before christmas", "today", "when my mum goes to work", "this time"],
    "close": ["", "", "", " i mean it", " i'm serious", " and i don't care anymore", " no one can stop me",
              " i just cant anymore", " i'm done", " nobody would care", " i'm so tired", " and i'm not scared",
              " i've thought about it a lot"],
    "feel": ["suicidal", "really suicidal", "so suicidal", "like dying", "like ending it", "like killing myself",
             "like i want to die", "like i shouldn't be here", "like i don't want to be alive"],
    "hopeless": ["i can't do this anymore", "there's no point in living", "everyone would be better off without me",
                 "i'm just a burden", "i don't want to be here anymore", "nobody would miss me if i was gone",
                 "i don't see a future", "i'm tired of being alive", "i don't want to wake up tomorrow",
                 "i wish i'd never been born", "life isn't worth living", "i won't be around much longer",
                 "i can't keep going", "there's nothing left for me", "i'm done with life",
                 "i wish i could disappear forever", "i'd be better off dead", "i don't see myself at 18",
                 "i don't think i'll be here next year", "i shouldn't be alive", "i hate being alive",
                 "i just want it all to stop forever", "i have no reason to live", "i'm not going to make it",
                 "why am i even still alive", "no one would notice if i died", "i'm sick of existing"],
    "plan": ["i've got a plan", "i have a plan", "i've picked a date", "i've got everything ready",
             "i've been saving pills", "i know how i'll do it", "i've written it all down",
             "i've been looking up ways", "i have everything set up", "i've made my mind up", "it's all planned",
             "i've chosen the day", "i've got the stuff i need", "i know when i'll do it"],
    "farewell": ["this is my goodbye", "i wrote my goodbye letters", "i've given my stuff away",
                 "thank you all, goodbye", "this is my last post", "i've said goodbye to everyone",
                 "please look after my cat when i'm gone", "tell my family i love them", "i wrote a note",
                 "i'm sorry for everything, bye", "i've deleted everything, bye", "i don't want anyone to find me",
                 "you won't hear from me again", "i feel calm now i've decided"],
    "past": ["i tried to kill myself", "i attempted", "i overdosed", "i tried to end it", "i took an overdose",
             "i tried to hang myself", "i attempted suicide", "i ended up in hospital after trying"],
    "pastwhen": ["last year", "in march", "when i was 13", "two years ago", "a few months ago", "last summer",
                 "before", "once"],
    "now": ["and i feel like that again", "and the thoughts are back", "and i want to try again",
            "and i still want to die", "and i wish it had worked", "and lately i think about it every day",
            "and i'm scared i'll do it again", "and now it's getting bad again", "and i'm planning it again"],
    "friend": ["my friend", "my best friend", "my bestie", "my mate", "my girlfriend", "my boyfriend",
               "a girl in my class", "a boy in my year", "my sister", "my brother", "my cousin", "someone i know",
               "my online friend", "my bf", "my gf", "my bff"],
    "says": ["said", "says", "told me", "keeps saying", "messaged me that", "texted me that", "posted that",
             "admitted"],
    "fwish": ["she wants to die", "he wants to kill himself", "they want to end it", "she's going to kill herself",
              "he doesn't want to live anymore", "she has a plan to end her life", "he's suicidal",
              "they're going to do it tonight", "everyone would be better off without her",
              "she wants to take her own life", "he wants to jump off a bridge", "she took a load of pills",
              "he's been thinking about ending it", "she won't be here much longer"],
    "sh": ["i cut myself", "i cut again", "i burned myself", "i hurt myself", "i scratched my arms till they bled",
           "i hit myself", "i relapsed", "i started cutting again", "i self harmed", "i sh'd",
           "i punched the wall till my hand bled", "i starved myself", "i made myself sick",
           "i banged my head against the wall", "i burnt my arm on purpose", "i used a blade again",
           "i picked my skin till it bled", "i bit my arm till it bruised", "i pulled my hair out on purpose"],
    "shwhen": ["", "last night", "again", "today", "after school", "after the argument", "in the bathroom",
               "this morning", "for the first time in months", "twice this week"],
    "shnow": ["", " and i feel awful", " and i can't stop", " and nobody knows", " and it helped for a bit",
              " and i want to do it again", " and i hate myself", " and my mum nearly saw"],
    "shurge": ["the urge to cut is so bad", "i really want to cut", "i want to hurt myself so bad",
               "i keep thinking about cutting", "sh urges are back", "i'm trying not to hurt myself tonight",
               "i want to burn myself again", "i have fresh cuts", "my scars are showing in pe",
               "how do i hide my cuts", "i've got cuts all up my arm", "i was 50 days clean and relapsed",
               "i'm 2 weeks clean from self harm but it's hard", "i deserve to hurt"],
    "carer": ["my dad", "my mum", "my stepdad", "my step dad", "my stepmum", "my mum's boyfriend", "my uncle",
              "my brother", "my older brother", "my nan", "my foster dad", "my dad's girlfriend", "my parents",
              "my boyfriend", "my mom", "my mam", "my grandad", "my carer"],
    "hurts": ["hits me", "beats me", "slaps me", "punches me", "kicks me", "chokes me", "hurts me",
              "throws things at me", "pushes me around", "grabs me by the neck", "locks me in my room",
              "burns me with cigarettes", "pins me down", "hits me with a belt", "threatens to kill me",
              "touches me", "leaves bruises on me", "beats me up", "drags me by my hair"],
    "dwhen": ["", "", "when he's drunk", "when she's angry", "every weekend", "if i get bad grades",
              "all the time", "when no one is home", "last night", "again", "if i talk back"],
    "dnow": ["", " and i'm scared", " and i don't know what to do", " and no one believes me",
             " and i can't tell anyone", " and i'm scared to go home", " and he said he'll hurt me more if i tell",
             " and i have bruises"],
    "threat": ["said if i tell anyone he will hurt me", "said she'll kill me if i tell", "threatened to stab me",
               "said he'll come to my house", "said they'd beat me up after school",
               "is threatening to share my pics", "says he knows where i live", "said he'd hurt my little sister",
               "is making me sell stuff for him", "forces me to send pictures", "makes me do things i don't want to",
               "won't let me leave the house", "took my phone and said i can't tell anyone"],
    "danger2": ["i'm scared to go home", "i don't feel safe at home", "i'm not safe at home tonight",
                "someone at home is hurting me", "i'm being abused", "i'm scared of my dad",
                "i'm too scared to go back home", "i'm scared he'll kill me", "i'm being hurt at home",
                "there's a man following me", "i was sexually assaulted", "i got kicked out and have nowhere to go"],
    # hard negatives
    "thing": ["this homework", "school", "this exam", "maths", "revision", "my job", "this heat", "this cold",
              "my back", "my feet", "waiting", "the suspense", "this traffic", "physics", "coursework", "this queue"],
    "person": ["my mum", "my dad", "my teacher", "my coach", "my sister", "my nan", "my boss", "my mate"],
    "reason": ["when she sees my report", "if i'm late again", "for losing my keys", "when he sees the mess",
               "for eating the last biscuit", "if i don't finish my homework", "when she finds out", ""],
    "treat": ["a pizza", "a nap", "those trainers", "a kebab", "tickets to that concert", "a holiday", "some chips",
              "a day off"],
    "embarrass": ["embarrassment", "cringe", "boredom", "laughter", "shame lol", "second hand embarrassment"],
    "game": ["fortnite", "minecraft", "roblox", "cod", "apex", "valorant", "the sims", "zelda", "elden ring",
             "fifa", "among us", "the new game"],
    "char": ["my character", "my guy", "my sim", "my player", "my villager", "my horse", "my squad"],
    "boss": ["the final boss", "the ender dragon", "the boss", "a creeper", "the last guy", "that zombie"],
    "media": ["the film", "the book", "the show", "the anime", "the play", "the series", "the new episode",
              "the documentary", "the musical", "our english book"],
    "neg": ["i'm not suicidal", "this isn't a suicide post", "i don't want to die", "i'm not going to kill myself",
            "i'm not going to hurt myself", "i would never self harm", "i'm not in danger", "i'm safe",
            "no i'm not suicidal", "i'm not thinking of ending it", "i don't self harm", "i'm not depressed"],
    "just": ["just tired", "just stressed", "just need to vent", "just want advice", "just bored",
             "just having a bad week", "just need a hug", "just annoyed at school", "just want to sleep",
             "just sad about my exams"],
    "sad": ["my girlfriend dumped me", "i failed my mocks", "i have no friends", "i feel so lonely",
            "my parents are splitting up", "my best friend ignored me", "i didn't get picked for the team",
            "i got a bad grade", "everyone went out without me", "my dog died", "i'm so stressed about exams",
            "i moved schools and i don't know anyone", "my crush likes someone else", "i can't sleep",
            "i feel ugly", "i'm always anxious", "my mum shouts at me", "i miss my grandad",
            "i got left on read", "i didn't get into the college i wanted", "my friends are fake"],
    "sadfeel": ["i feel awful", "i'm so sad", "i cried all night", "i feel rubbish", "i just want to sleep",
                "i don't know what to do", "it really hurts", "i feel like a failure", "i hate it",
                "i feel so low", "everything feels a bit rubbish today", "i'm heartbroken", "i feel empty"],
    "homeverb": ["drove me to school", "took my phone off me", "grounded me", "made me tidy my room",
                 "shouted at me for being late", "told me off", "bought me new trainers", "picked me up from town",
                 "won't let me go out tonight", "made me go to my nan's", "helped me with my homework",
                 "embarrassed me in front of my mates", "hugged me after my exam", "took me shopping",
                 "woke me up at 7 on a saturday", "made me dinner", "said no to the party", "nags me about revision",
                 "doesn't get me", "compares me to my sister", "called me lazy", "is making me get a job",
                 "grounded me for a week", "took my xbox away", "made me apologise to my sister",
                 "caught me vaping and went mad", "makes me do all the washing up",
                 "won't let me dye my hair", "made me come home at 9", "surprised me with tickets",
                 "is so strict with me", "tells me off for everything", "threw my old teddy away", "kicked me off the wifi"],
    "hometail": ["", "", " lol", " so annoying", " ugh", " 🙄", " and i'm fuming", " tbh i deserved it",
                 " which was nice", " again", " and we had a massive row", " but i love her really"],
    "accident": ["by accident", "in pe", "with a football", "when we were messing about", "with his bag",
                 "by mistake", "in the corridor but he said sorry", "with a pillow lol", "playing tag"],
    "bumper": ["someone", "a boy", "my friend", "he", "she", "my little brother", "a year 7", "my mate"],
    "bumped": ["hit me", "knocked into me", "kicked me", "elbowed me", "pushed me"],
}

TEMPLATES = [
    # (family, label, template)
    ("explicit", "risk_to_life", "{open}{want} {die} {when}{close}"),
    ("explicit", "risk_to_life", "{open}{going} {die} {when}{close}"),
    ("explicit", "risk_to_life", "{open}i feel {feel}{close}"),
    ("explicit", "risk_to_life", "{open}i'm so {feel}{close}"),
    ("implicit", "risk_to_life", "{open}{hopeless}{close}"),
    ("implicit", "risk_to_life", "{sad} and {hopeless}"),
    ("plan", "risk_to_life", "{open}{plan}{close}"),
    ("plan", "risk_to_life", "{plan}, {going} {die} {when}"),
    ("farewell", "risk_to_life", "{open}{farewell}"),
    ("past_attempt", "risk_to_life", "{past} {pastwhen} {now}"),
    ("third_party", "risk_to_life", "{friend} {says} {fwish}"),
    ("third_party", "risk_to_life", "i'm worried about {friend}, {fwish}"),
    ("self_harm", "self_harm", "{open}{sh} {shwhen}{shnow}"),
    ("self_harm", "self_harm", "{open}{shurge}"),
    ("danger", "danger_from_others", "{open}{carer} {hurts} {dwhen}{dnow}"),
    ("danger", "danger_from_others", "{carer} {threat}{dnow}"),
    ("danger", "danger_from_others", "{open}{danger2}"),
    ("hyperbole", "ordinary", "{thing} is killing me"),
    ("hyperbole", "ordinary", "{person} is going to kill me {reason}"),
    ("hyperbole", "ordinary", "i'd die for {treat} right now"),
    ("hyperbole", "ordinary", "i'm going to die of {embarrass}"),
    ("hyperbole", "ordinary", "i'm dead 😂 {person} just fell over"),
    ("fiction", "ordinary", "{char} died in {game} again"),
    ("fiction", "ordinary", "killed {boss} in {game} finally"),
    ("fiction", "ordinary", "in {media} the main character dies and i cried"),
    ("fiction", "ordinary", "{media} was about a suicide mission, so good"),
    ("negation", "ordinary", "{neg}, {just}"),
    ("negation", "ordinary", "{neg} don't worry, {just}"),
    ("sad_ordinary", "ordinary", "{sad} and {sadfeel}"),
    ("sad_ordinary", "ordinary", "{open}{sad}, {sadfeel}"),
    ("bump", "ordinary", "{bumper} {bumped} {accident}"),
    ("home_ordinary", "ordinary", "{carer} {homeverb}{hometail}"),
    ("home_ordinary", "ordinary", "{open}{carer} {homeverb}{hometail}"),
]

FILLER = [
    "so school has been a lot lately", "my mum keeps going on about my room", "i had a maths test today",
    "my friends are all going to the party without me", "i haven't slept properly in ages",
    "i got a detention for talking", "my brother got a new phone and i didn't", "it's been raining all week",
    "i've got three exams next week", "i play a lot of xbox at night", "my parents argue about money",
    "i moved schools in september", "my best friend has a new boyfriend and ignores me", "work experience was boring",
    "i've been revising for hours", "my teacher keeps picking on me in class", "i'm on the waiting list for camhs",
    "i went to my dad's at the weekend", "i don't really talk to anyone at lunch", "i quit the football team",
    "my nan is in hospital", "everyone in my form is so loud", "i spend most of the day in my room",
    "i tried talking to my mum but she was on her phone", "i used to love drawing", "i got a 4 in english",
    "my sister always gets what she wants", "sorry this is long", "i don't know why i'm posting this",
    "first post here", "i'm 15 and in year 11", "i'm 17 and at college", "i'm 13", "idk who else to tell",
    "my counsellor is off sick", "i skipped lunch again", "my phone got taken off me", "it's 3am and i can't sleep",
    "my friend group fell out", "i got rejected from the job", "the bus was late again", "we got a new puppy",
    "i went to the park with my mates", "my mum made pasta", "i'm watching netflix", "i finished my coursework",
    "we have a trip next week", "i've been listening to music all day", "i went for a walk",
    "my dad works nights so i barely see him", "everyone thinks i'm fine", "i act happy at school",
    "i've been feeling weird for a while", "nothing really happened today", "i cried in the toilets at break",
    "my boyfriend broke up with me over text", "i keep getting headaches", "i don't eat much at school",
    "i got my period at school and it was awful", "my grades have dropped", "i'm always tired",
]


# Everyday first-person talk that shares its little words ("i've", "i'll", "can't", "want
# to", "going to", "so tired of", "it", "much") with risky talk, so those words alone
# never look risky.
E = {
    "want": ["i want to", "i wanna", "i really want to", "i just want to", "i need to", "i'd love to",
             "i'm going to", "i'm gonna", "i'll", "i might", "i should", "i can't wait to", "i've decided to",
             "i'm planning to", "i'm ready to", "i'm trying to", "i keep forgetting to", "i'd like to"],
    "act": ["go to the cinema", "learn guitar", "get a dog", "dye my hair blue", "go to bed early tonight",
            "finish my essay", "see my friends this weekend", "go shopping", "try out for the team", "quit my job",
            "move to london one day", "be a vet", "eat a whole pizza", "watch the new marvel film",
            "start running again", "save up for a ps5", "get my nails done", "visit my nan", "learn to drive",
            "go to uni", "take a gap year", "redo my room", "bake a cake for my mum", "join the drama club",
            "sleep in on saturday", "get a part time job", "end this essay with a good quote", "kill some time",
            "cut my hair short", "paint my nails", "go to the beach", "get better at maths", "make new friends",
            "tell my crush how i feel", "stop procrastinating", "play the new zelda", "go to the gym more",
            "leave this group chat lol", "give my old clothes to charity", "write a story", "buy new trainers",
            "go to bed and watch youtube", "get it done before the deadline", "take my mind off things",
            "have a quiet night in", "delete tiktok for a week", "sort out my revision timetable"],
    "tired": ["revising", "this weather", "the bus being late", "group projects", "my brother's music",
              "people asking about my grades", "school dinners", "homework every night", "getting up early",
              "the same songs on the radio", "my phone breaking", "being stuck inside", "waiting for results"],
    "cant": ["wait for summer", "find my charger", "decide what to wear", "get this song out of my head",
             "believe it's already december", "stop laughing", "do this maths question", "find my other shoe",
             "remember her name", "afford new trainers", "get the wifi to work", "focus today", "sleep in this heat",
             "choose between the two colleges", "stop eating these crisps", "do a pull up lol"],
    "been": ["i've been", "i have been", "lately i've been", "this week i've been", "since summer i've been"],
    "doing": ["learning to cook", "reading a lot", "going for walks", "playing loads of fifa", "drawing again",
              "working at the cafe", "saving money", "watching old films", "learning spanish", "doing yoga",
              "volunteering at the food bank", "getting into running", "trying to drink more water",
              "sleeping better", "spending more time with my nan", "doing my duke of edinburgh",
              "practising piano", "helping my dad in the garden", "writing in my diary"],
    "q": ["how much does it cost to", "is it worth it to", "does anyone know how to", "what's the best way to",
          "how long does it take to", "is it normal to", "should i", "how do i", "when is it too late to",
          "has anyone tried to", "is it weird to", "what do you do to"],
    "when": ["", "", "tonight", "this weekend", "tomorrow", "after school", "next year", "in the summer",
             "when i'm older", "before christmas", "on friday", "soon"],
    "feel": ["so happy", "really proud", "a bit nervous", "excited", "so done with mondays lol", "knackered",
             "really chuffed", "kinda bored", "a bit nervous but excited", "relieved", "so full", "ready for bed"],
    "thing": ["my exam results", "the school trip", "my birthday", "the new season", "my first shift", "the concert",
              "my driving lesson", "the match", "prom", "the holidays", "my interview", "the sleepover"],
}
EVERYDAY = [
    "{want} {act} {when}", "{want} {act} {when}", "{want} {act}, any tips?", "i'm so tired of {tired}",
    "i can't {cant}", "{been} {doing}", "{been} {doing} and it's actually helping", "{q} {act}?",
    "i feel {feel} about {thing}", "i'll be {feel} when {thing} is over", "can't wait for {thing}",
    "honestly {want} {act}", "{thing} is so soon and {want} {act}", "it's {thing} tomorrow, i feel {feel}",
    "ngl {want} {act} {when}", "i think {want} {act}", "{been} {doing} so {want} {act}",
]


def everyday(rng: random.Random, n: int) -> list[dict]:
    out = []
    for _ in range(n):
        text = re.sub(r" +", " ", fill(rng.choice(EVERYDAY), E, rng)).strip(" ,")
        if rng.random() < 0.3:
            text = text + ". " + re.sub(r" +", " ", fill(rng.choice(EVERYDAY), E, rng)).strip(" ,")
        out.append(item(noisy(text, rng, 0.4), "ordinary", "everyday", "dev"))
    return out


RISK_WORDS = re.compile(r"suicid|self.harm|kill|die|dying|dead|death|cut|hurt|harm|abuse|overdose|end it|"
                        r"not safe|hit|burn|starv|crisis|999|112|emergency|danger|unsafe|scared|threat|rape|assault",
                        re.IGNORECASE)


ARTICLES = HERE / "article_sentences.txt"


def article_sentences() -> list[dict]:
    """Sentences of the project's own library articles that name no risk (ordinary wording
    about feelings, school and home), from article_sentences.txt: a frozen copy, so an
    edit to an article does not change the dev split (refresh with --refresh-articles)."""
    lines = ARTICLES.read_text(encoding="utf-8").splitlines()
    return [item(line, "ordinary", "article_text", "dev") for line in lines if line and not line.startswith("#")]


def refresh_articles() -> int:
    """Copy the risk-free sentences of content/articles/*.md into article_sentences.txt."""
    out = []
    for path in sorted((ROOT / "content" / "articles").glob("*.md")):
        body = path.read_text(encoding="utf-8")
        body = re.sub(r"^---.*?---", "", body, flags=re.S)
        for sent in re.split(r"(?<=[.!?])\s+|\n+", body):
            sent = re.sub(r"[#*_>\[\]()`]", "", sent).strip(" -")
            if 25 <= len(sent) <= 200 and not RISK_WORDS.search(sent) and "http" not in sent:
                out.append(sent)
    ARTICLES.write_text("# Sentences of content/articles that name no risk (python -m moderation.data.build_dataset "
                        "--refresh-articles)\n" + "\n".join(out) + "\n", encoding="utf-8")
    return len(out)


def compose(rng: random.Random, clause: str) -> str:
    parts = rng.sample(FILLER, rng.randint(2, 6))
    parts.insert(rng.randint(0, len(parts)), clause)
    joins = rng.choice([". ", ", ", " and ", "\n", " ", ". also ", ". anyway "])
    text = joins.join(parts)
    return noisy(text, rng, 0.3)


def templated(rng: random.Random, per_template: int) -> list[dict]:
    out = []
    for family, label, tpl in TEMPLATES:
        for _ in range(per_template):
            text = re.sub(r" +", " ", fill(tpl, S, rng)).strip(" ,")
            out.append(item(noisy(text, rng), label, family, "dev"))
    return out


def composed(rng: random.Random, base: list[dict], n: int) -> list[dict]:
    """Long posts where the risk (or the hard negative) is one clause among everyday ones."""
    out = []
    for _ in range(n):
        src = rng.choice(base)
        label = src["label"]
        family = "long_" + ("ordinary" if label == "ordinary" else label)
        out.append(item(compose(rng, src["text"].rstrip(".!? ")), label, family, "dev",
                        origin=src.get("origin") or key(src["text"])))
    for _ in range(n // 2):  # ordinary rambling posts made only of everyday clauses
        parts = rng.sample(FILLER, rng.randint(2, 5))
        parts += [fill(rng.choice(EVERYDAY), E, rng) for _ in range(rng.randint(1, 3))]
        rng.shuffle(parts)
        text = rng.choice([". ", ", ", " and ", " "]).join(parts)
        out.append(item(noisy(text, rng, 0.3), "ordinary", "long_ordinary", "dev"))
    return out


def legacy() -> list[dict]:
    out = []
    for line in LEGACY.read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            cats = d["categories"]
            label = next((c for c in ("risk_to_life", "danger_from_others", "self_harm") if c in cats),
                         cats[0] if cats else "ordinary")
            out.append({**item(d["text"], label, "legacy", "dev"), "categories": cats, "level": d["level"]})
    return out


def key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def build() -> tuple[list[dict], list[dict]]:
    rng = random.Random(SEED)
    held = read_source(HERE / "heldout.txt", "heldout") + read_source(HERE / "heldout_posts.txt", "heldout")
    hand = (read_source(HERE / "dev.txt", "dev") + read_source(HERE / "dev_posts.txt", "dev")
            + read_source(HERE / "dev_long.txt", "dev"))
    # noisy copies of the hand-written lines (the way they are typed), then templates, then long posts
    copies = [item(noisy(it["text"], rng, 0.8), it["label"], it["family"], "dev", origin=key(it["text"]))
              for it in hand for _ in range(2)]
    days = everyday(rng, 1500)
    dev = hand + legacy() + copies + templated(rng, 45) + days + article_sentences()
    dev += composed(rng, [it for it in hand + copies + days if it["label"] != "abuse_bullying"], 900)
    seen = {key(it["text"]) for it in held + build_long()}
    out_dev = []
    for it in dev:
        k = key(it["text"])
        if k and k not in seen:
            seen.add(k)
            out_dev.append(it)
    return out_dev, held


def build_long() -> list[dict]:
    """The long-post held-out split (heldout_long.txt: 200-2000 characters, rambling, risk often
    in the middle), split "heldout_long": measured on its own row, never trained or tuned on."""
    return read_source(HERE / "heldout_long.txt", "heldout_long")


def write(path: Path, items: list[dict]) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for it in items:
            fh.write(json.dumps(it, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if "--refresh-articles" in argv:
        print(f"article_sentences.txt: {refresh_articles()} sentences")
    dev, held = build()
    write(HERE / "dev.jsonl", dev)
    write(HERE / "heldout.jsonl", held)
    long_held = build_long()
    write(HERE / "heldout_long.jsonl", long_held)
    print(f"dev: {len(dev)} lines; heldout: {len(held)} lines; heldout_long: {len(long_held)} posts")


if __name__ == "__main__":
    main()
