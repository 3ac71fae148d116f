"""The sample's questions and DM hand-offs (issue 19): the generator's marks of its own texts agree
with kwo's rules text by text, a small sample's report equals its truth.json on the new figures,
and the variants change no other figure of the sample."""

from __future__ import annotations

import gzip
import json

import pytest

from kwo import sample
from kwo.demo import truth_mismatches
from kwo.metrics import build_report
from kwo.sample import wording
from kwo.sample.vocabulary import ANSWER_VARIANTS, MENTION_VARIANTS, SIGNATURES_READ_AS_HANDOFF

from .handmade import Row, build_archive
from .test_sample import dump_files, report_json, truth_of

INSIGHT_KEYS = ("question_tweets", "questions_answered", "questions_answered_pct", "dm_handoff_replies",
                "dm_handoff_pct")

# Each variant as the sample writes it, with what it is, checked by hand against methodology §13.
MENTION_BY_HAND = {
    "@b0 hoe lang duurt het nog voordat jullie reageren？": True,  # full-width question mark
    "@b1 waarom werkt de app nu weer niet？": True,
    "@b2 volgens https://status.example.com/storing?regio=3 is alles in orde, maar ik heb niks": False,  # ? in URL
    "@b3 gelukt met de uitleg op www.example.com/hulp?id=12 dank!": False,  # ? in a www. URL
    "@b4 zie example.com/faq?vraag=retour maar daar staat het niet": False,  # ? in a domain with a path
    "@b5 geldt www.example.com/actie?id=7 ook voor mij?": True,  # the last ? is the tweet's
    "@b6 klopt deze pagina nog: https://example.com/faq?": True,  # a URL does not end in '?'
}
ANSWER_BY_HAND = {
    "Kun je ons een PB sturen? Dan zoeken we het uit. ^JK": True,
    "Wil je ons een privébericht sturen met je gegevens? ^JK": True,
    "Send us a DM with your order number and we will look into it. -Sanne": True,
    "Stuur ons gerust een direct message, dan helpen we je verder. Groet, Sanne": True,
    "Je kunt ons ook bellen via het nummer op onze site. ^JK": False,
    "Ik zoek het voor je uit en laat het je vandaag nog weten. ^JK": False,
    "Dat is vervelend, ik heb het direct voor je doorgezet. ^JK": False,
    "Ik heb het doorgezet naar onze admin, je hoort snel van ons. ^JK": False,  # 'dm' inside a word
    "Dat regelen we dmv een nieuwe aanvraag op onze site. ^JK": False,  # 'dm' starts a longer word
    "De updates over de storing vind je onder #pm op onze site. ^JK": False,  # a hashtag
    "Graag gedaan! ^PM": True,  # initials that read as PM (SIGNATURES_READ_AS_HANDOFF)
    "Graag gedaan! ^PK": False,
}


def test_the_variants_are_the_hand_checked_ones():
    # The generator's own marks (which truth.json counts) are the ones checked by hand here.
    assert [q for _, q in MENTION_VARIANTS] == list(MENTION_BY_HAND.values())
    assert [what == "handoff" for _, what in ANSWER_VARIANTS] == list(ANSWER_BY_HAND.values())[:len(ANSWER_VARIANTS)]
    assert "^PM" in SIGNATURES_READ_AS_HANDOFF and "^PK" not in SIGNATURES_READ_AS_HANDOFF


def test_kwo_reads_each_variant_as_the_generator_marks_it(tmp_path):
    """One brand per text: brand bJ's figures say how kwo read text J."""
    mentions, answers = list(MENTION_BY_HAND), list(ANSWER_BY_HAND)
    n = max(len(mentions), len(answers))
    roster = "handle,name,sector,user_id\n" + "".join(f"b{j},Brand {j},telecom,{j + 1}\n" for j in range(n))
    rows, tid = [], 1000
    for j, text in enumerate(mentions):
        rows.append(Row(tid, "2016-03-01 10:00", f"{500 + j}", f"u{j}", [(f"{j + 1}", f"b{j}")], text=text))
        tid += 1
    for j, text in enumerate(answers):
        rows.append(Row(tid, "2016-03-01 11:00", f"{600 + j}", f"v{j}", [(f"{j + 1}", f"b{j}")], text=f"@b{j} hallo"))
        rows.append(Row(tid + 1, "2016-03-01 11:10", f"{j + 1}", f"b{j}", [(f"{600 + j}", f"v{j}")], reply_to=tid,
                        text=f"@v{j} {text}"))
        tid += 2
    archive, brands_csv = build_archive(tmp_path, rows, roster)
    brands = {b.handle: b for b in build_report(archive, brands_csv).brands}
    read_as_question = {text: brands[f"b{j}"].question_tweets == 1 for j, text in enumerate(mentions)}
    assert read_as_question == MENTION_BY_HAND
    read_as_handoff = {text: brands[f"b{j}"].dm_handoff_replies == 1 for j, text in enumerate(answers)}
    assert read_as_handoff == ANSWER_BY_HAND
    assert sum(b.question_tweets for b in brands.values()) == 4
    assert sum(b.dm_handoff_replies for b in brands.values()) == 5


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    out = tmp_path_factory.mktemp("insights") / "v1"
    sample.generate(out, tweets=3_000, seed=7)  # seed 7's roster has agents signing ^PB and ^DM
    return out


def test_small_sample_report_equals_truth_on_questions_and_handoffs(small, tmp_path):
    truth = truth_of(small)
    report = report_json(small, tmp_path / "archive")
    for key in INSIGHT_KEYS:
        assert truth["totals"][key] == report["totals"][key], key
    for section, key in (("brands", "handle"), ("sectors", "sector")):
        got = {r[key]: r for r in report[section]}
        for row in truth[section]:
            assert {k: row[k] for k in INSIGHT_KEYS} == {k: got[row[key]][k] for k in INSIGHT_KEYS}, row[key]
    assert not truth_mismatches(truth, report)
    # The figures are there and not trivial: about half ask, about a fifth of the answers hand off.
    t = truth["totals"]
    assert 0.45 < t["question_tweets"] / t["mention_tweets"] < 0.65
    assert 15 < t["dm_handoff_pct"] < 30
    assert sum(b["dm_handoff_replies"] for b in truth["brands"]) == t["dm_handoff_replies"]


def test_small_sample_writes_every_variant(small):
    texts = "\n".join(json.loads(line).get("text", "") for p in dump_files(small)
                      for line in gzip.decompress(p.read_bytes()).splitlines())
    for body, _ in ANSWER_VARIANTS:
        assert body[1:] in texts, body
    for tpl, _ in MENTION_VARIANTS:
        assert tpl[4:] in texts, tpl


def test_variants_change_no_other_figure(tmp_path, monkeypatch):
    with_variants = sample.generate(tmp_path / "with", tweets=1_000, seed=3).truth
    monkeypatch.setattr(wording, "vary_texts", lambda kind, tpl, *rest: tpl)
    without = sample.generate(tmp_path / "without", tweets=1_000, seed=3).truth

    def other(x):
        if isinstance(x, dict):
            return {k: other(v) for k, v in x.items() if k not in INSIGHT_KEYS and k != "bytes"}
        return [other(v) for v in x] if isinstance(x, list) else x

    assert other(with_variants) == other(without)
    assert with_variants["totals"]["dm_handoff_replies"] != without["totals"]["dm_handoff_replies"]
