"""The sentences of the caveats (kwo.caveats): one plain sentence each, naming the figure it
affects, why, and what would make it measurable. All of kwo's caveat wording is here.

``grouped`` folds the caveats of one code about many brands into one sentence for the formats
people read (terminal, Markdown, HTML, charts); JSON and CSV keep every caveat.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

#: Above this many brands, the caveats of one code are shown as one sentence naming the first few.
GROUP_ABOVE = 3
NAMED_IN_GROUP = 5


def _n(value: int) -> str:
    return f"{value:,}"


def _pct(value: float) -> str:
    return f"{value:.1f}%"


def _limit(value: float) -> str:
    return f"{value:g}"


_ACCOUNT_RE = re.compile(r"\w{1,50}", re.ASCII)


def _account(text: str | None) -> str | None:
    """An account name from the archive as it may be shown: letters, digits and _ only (the
    sentence goes to terminals and files; anything else in the data is left out)."""
    return text if text and _ACCOUNT_RE.fullmatch(text) else None


def _tweets(n: int, what: str = "mention tweet") -> str:
    return f"{_n(n)} {what}{'' if n == 1 else 's'}"


# ---------------------------------------------------------------------------------------------
# One caveat


def owner_only_archive(v: dict) -> str:
    if _account(v.get("owner")):
        who = f"@{v['owner']}"
    elif _account(v.get("author_id")):
        who = f"user id {v['author_id']}"
    else:
        who = "its author"
    return (f"All {_tweets(v['tweets'], 'collected tweet')} are by one account ({who}), as in an account archive "
            "(tweets.js): no tweet by anyone else was collected, so the mention tweets, the answered % and the "
            "rush hour describe that one account only; ingesting a collection of the tweets that mention the "
            "brands (a search or a stream) beside it would make them measurable.")


def threads_incomplete(v: dict, t) -> str:
    share = f"{_n(v['parent_missing'])} of"
    if v["handle"] is None:
        return (f"{share} the {_n(v['brand_replies'])} brand replies ({_pct(v['parent_missing_pct'])}, more than "
                f"{_limit(t.threads_incomplete_pct)}%) answer a tweet that is not in the archive: the threads are "
                "incomplete, so the answered % and the proactive replies are lower bounds (an answer counts only "
                "when the tweet it answers was collected); collecting the tweets the brands reply to (whole "
                "conversations) would make them measurable.")
    return (f"@{v['handle']}: {share} its {_n(v['brand_replies'])} replies ({_pct(v['parent_missing_pct'])}) answer "
            "a tweet that is not in the archive, so its answered % and proactive replies are lower bounds; "
            "collecting the tweets it replies to would make them measurable.")


def brand_silent(v: dict) -> str:
    h = v["handle"]
    return (f"@{h} is mentioned in {_tweets(v['mentions'])} but none of its own tweets is in the archive: its "
            "answered % cannot tell \"never answers\" from \"its replies were not collected\"; collecting "
            f"@{h}'s own tweets (its timeline, or a search from:{h}) would make it measurable.")


def anonymised_handles(v: dict) -> str:
    h, top = v["handle"], v["top_handle"]
    return (f"@{h}: {_n(v['anonymised_replies'])} of its {_n(v['replies'])} replies to tweets in the archive "
            f"({_pct(v['anonymised_pct'])}) answer tweets that mention a numeric, anonymised handle (most often "
            f"@{top}, in {_n(v['top_replies'])}) and are counted as proactive; if @{top} is this organisation's own "
            f"account, list it in the aliases column of @{h} in a roster (--brands, aliases: {top}) so that those "
            "tweets count as mentions of it.")


def few_mentions(v: dict, t) -> str:
    limit = _n(t.few_mentions)
    if v["handle"] is None:
        if v["mentions"] == 0:
            return ("There are no mention tweets in the figures, so there is no answered %, response time or "
                    "peak hour; a longer period, a roster of the accounts the archive mentions or a larger "
                    "collection would give them.")
        few_tweets = v["mentions"] < t.few_mentions
        few_answered = 0 < v["answered"] < t.few_mentions
        answered = f"{_n(v['answered'])} answered one{'' if v['answered'] == 1 else 's'}"
        if few_tweets and few_answered:
            what = (f"The peak hour and the answered % rest on {_tweets(v['mentions'])} and the median response "
                    f"time on {answered}")
        elif few_tweets:
            what = f"The peak hour and the answered % rest on {_tweets(v['mentions'])}"
        else:
            what = f"The median response time rests on {answered} (of {_tweets(v['mentions'])})"
        it = "them" if few_tweets else "it"
        return (f"{what}, fewer than {limit}: one tweet more or less can move {it}, so read {it} as rough; a "
                f"longer period or a larger collection would make {it} firm.")
    few_pairs = v["mentions"] < t.few_mentions
    few_answered = 0 < v["answered"] < t.few_mentions
    answered = f"{_n(v['answered'])} answered one{'' if v['answered'] == 1 else 's'}"
    if few_pairs and few_answered:
        what = f"answered % rests on {_tweets(v['mentions'])} and its median response time on {answered}"
    elif few_pairs:
        what = f"answered % rests on {_tweets(v['mentions'])}"
    else:
        what = f"median response time rests on {answered} (of {_tweets(v['mentions'])})"
    it = "them" if few_pairs and few_answered else "it"
    return (f"@{v['handle']}'s {what}, fewer than {limit}: read {it} as rough; a longer period or a larger "
            f"collection would make {it} firm.")


def coverage_gap(v: dict) -> str:
    runs = [a if a == b else f"{a} to {b}" for a, b in v["gaps"]]
    where = runs[0] if len(runs) == 1 else ", ".join(runs[:-1]) + " and " + runs[-1]
    missing = v["months_without_tweets"]
    return (f"No tweets in {where} ({missing} of the {v['span_months']} months from {v['span_first']} to "
            f"{v['span_last']}): the collection has a gap, so counts over the span (mention tweets, proactive "
            "replies, tweets per hour and month) miss those months; ingesting them, or a --since/--until "
            "without the gap, would make the counts complete.")


def roster_unmatched(handle: str, line: int | None) -> str:
    where = f" (roster line {line})" if line is not None else ""
    return (f"@{handle}{where} occurs nowhere in the archive, neither as author nor as mention, so it has no "
            "figures: check its handle and user_id in the roster, or whether the collection covered it.")


def no_roster_brand_occurs(roster: str, brands: int, most_mentioned: Sequence[dict], owner: str | None = None) -> str:
    """The error when none of the roster's brands occurs in the archive; ``owner``: the one
    account whose tweets the archive holds, if so."""
    if brands == 1:
        which = "its brand does not occur in the archive (no tweet by it, no tweet mentioning it)"
    else:
        which = f"none of its {_n(brands)} brands occurs in the archive (no tweet by them, no tweet mentioning them)"
    if most_mentioned:
        top = ", ".join(f"@{r['handle']} ({_n(r['tweets'])})" for r in most_mentioned)
        hint = f"the handles the archive's tweets mention most are {top}"
    else:
        hint = "the archive's tweets mention no one"
    if owner is not None:
        hint += f"; every collected tweet is by {'@' + owner if _account(owner) else 'one account'} (an account archive)"
    return f"{roster}: {which}; {hint}; check the handles and user ids in the roster"


#: What each code means for the figures it affects, in a few words: the HTML report's notes
#: beside those figures and the footnotes of charts (the full sentence is in the caveat).
EFFECTS = {
    "owner_only_archive": "only one account's own tweets were collected, none of the mentions by others",
    "threads_incomplete": "a lower bound: replies to tweets that are not in the archive cannot count as answers",
    "brand_silent": "mentioned, but its own tweets were not collected: its answered % is not a measurement",
    "anonymised_handles": "replies to tweets that name an anonymised (numeric) handle count as proactive",
    "few_mentions": "rests on few mention tweets: read it as rough",
    "coverage_gap": "months without tweets inside the span: counts miss them",
    "roster_unmatched": "occurs nowhere in the archive: no figures",
}


# ---------------------------------------------------------------------------------------------
# Many caveats of one code, for the formats people read


def named_brands(brands: Sequence[str]) -> str:
    shown = ", ".join(f"@{b}" for b in brands[:NAMED_IN_GROUP])
    rest = len(brands) - NAMED_IN_GROUP
    return f"{shown} and {rest} more" if rest > 0 else shown


def _group_sentence(code: str, brands: Sequence[str], t) -> str:
    k, named = _n(len(brands)), named_brands(brands)
    if code == "threads_incomplete":
        return (f"{k} brands ({named}) each answer tweets that are not in the archive with more than "
                f"{_limit(t.threads_incomplete_pct)}% of their replies, so their answered % and proactive replies "
                "are lower bounds; collecting the tweets they reply to would make them measurable.")
    if code == "brand_silent":
        return (f"{k} brands ({named}) are mentioned but none of their own tweets is in the archive: their "
                "answered % cannot tell \"never answers\" from \"replies not collected\"; collecting their own "
                "tweets would make it measurable.")
    if code == "anonymised_handles":
        return (f"{k} brands ({named}) answer mostly tweets that mention numeric, anonymised handles, counted as "
                "proactive; listing each brand's own numeric handle in the roster's aliases column would count "
                "those tweets as its mentions (the JSON output names the handle per brand).")
    if code == "few_mentions":
        return (f"The figures of {k} brands ({named}) rest on fewer than {_n(t.few_mentions)} mention tweets "
                "(or answered ones) each: read their answered % and median response time as rough.")
    if code == "roster_unmatched":
        return (f"{k} roster brands ({named}) occur nowhere in the archive, neither as author nor as mention, so "
                "they have no figures: check their handles and user ids in the roster.")
    raise ValueError(f"no group sentence for {code!r}")


def grouped(caveats: Sequence[dict], thresholds) -> list[dict]:
    """The caveats (dicts of Caveat.as_dict) as people read them: those of one code and
    severity about more than GROUP_ABOVE brands become one, ``{code, severity, brand: None,
    brands: [...], message, figures}``; the others stay as they are (with ``brands``: their one
    brand, or none). The order is kept (the first caveat of a group places it)."""
    per_code: dict[tuple[str, str], list[dict]] = {}
    for c in caveats:
        if c["brand"] is not None:
            per_code.setdefault((c["code"], c["severity"]), []).append(c)
    out: list[dict] = []
    done: set[tuple[str, str]] = set()
    for c in caveats:
        key = (c["code"], c["severity"])
        group = per_code.get(key, []) if c["brand"] is not None else []
        if len(group) > GROUP_ABOVE:
            if key in done:
                continue
            done.add(key)
            brands = [g["brand"] for g in group]
            figures = sorted({f for g in group for f in g["figures"]})
            out.append({"code": c["code"], "severity": c["severity"], "brand": None, "brands": brands,
                        "message": _group_sentence(c["code"], brands, thresholds), "figures": figures})
        else:
            out.append({**c, "brands": [c["brand"]] if c["brand"] is not None else []})
    return out


def headline(caveats: Sequence[dict]) -> str:
    """``2 warnings, 1 info`` (or ``none``), counting every caveat (also those grouped)."""
    warnings = sum(1 for c in caveats if c["severity"] == "warning")
    infos = len(caveats) - warnings
    parts = []
    if warnings:
        parts.append(f"{warnings:,} warning{'' if warnings == 1 else 's'}")
    if infos:
        parts.append(f"{infos:,} info")
    return ", ".join(parts) or "none"


__all__ = ["EFFECTS", "grouped", "headline", "named_brands", "no_roster_brand_occurs"]
