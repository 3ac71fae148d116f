"""A synthetic archive with the published shape of KWO16 (``kwo sample``).

No real KWO16 archive is public, so kwo generates one: about 100 fictional Dutch organisations,
one calendar year (2016) of @-mentions, webcare replies, follow-up conversations, retweets,
proactive replies and stream noise, written as real dump files (API v1.1 JSON lines, twarc2 v2
pages, or the Kaggle twcs CSV) with ``brands.csv`` and ``truth.json`` beside them.

Exact by construction. :func:`plan_counts` decides, with arithmetic only, how many tweets of each
kind there will be; every kind contributes a known number of mention tweets (DESIGN.md section 3:
a collected tweet, not a retweet, that mentions brand b and is not by b), so the defaults give
exactly 1,508,812 mention tweets, 79,012 proactive replies and 58% answered. Which tweets get
answered is random but the number is fixed: an exact-size weighted sample (weights from the
sector, the brand and whether the team was open when the mention arrived). ``truth.json`` is then
counted from the generated tweets themselves with the section 3 definitions (numpy, not kwo's
queries) and checked against the plan.

The kinds of tweet (``KIND_NAMES``) and what they count as:

==================  ==================================================  ======================
kind                what                                                counts as
==================  ==================================================  ======================
mention             a customer's tweet @brand (5% of them in bursts:    mention tweet
                    outages)
mention2            a customer's tweet naming two brands                mention tweet, 2 pairs
brand_mention       a brand's tweet naming another brand                mention tweet
brand_mention_reply the other brand's answer to it (@first brand)       answer + mention tweet
followup(2)         the customer replying to an answer, with @brand     mention tweet
answer              a brand's direct reply to a mention tweet           answer
answer_extra        a second direct reply, minutes later                (not the earliest)
thread_continued    a brand replying to its own answer "(2/2)"          reply to self
retweet             a retweet of a customer mention (v1: the original   not a mention
                    embedded as retweeted_status)
proactive_parent    a customer tweet about a brand without @brand       -
proactive           the brand's reply to it                             proactive reply
parent_missing      a brand's reply to a tweet deleted before           replies_parent_missing
                    collection (a delete notice follows)
delete, limit       stream notices (v1 only)                            notices
==================  ==================================================  ======================

Time: local Amsterdam wall-clock times are drawn from a sector's day-of-year and hour-of-day
rhythm (weekday peak 17:00-18:00, later and flatter weekends, holidays, seasons) and converted to
UTC with the tz database. Answers wait for the team's opening hours (brands.csv), with a lognormal
delay around a brand's median and a long tail of hours to days. Tweets are stamped on whole seconds
and their snowflake ids carry that time.

``--format parquet`` (kwo/sample_parquet.py) writes the same tweets straight into a kwo archive
(month Parquet parts and manifest.json), rendered column by column, in shards above 1.6 million
mention tweets so that 100 million fit in bounded memory.

Deterministic: one seed gives the same bytes (gzip with mtime 0, no file name, a fixed level),
whatever the number of worker processes.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

from .errors import KwoError, UsageError

# ---------------------------------------------------------------------------------------------
# The published KWO16 figures and the defaults calibrated on them

KWO16_MENTION_TWEETS = 1_508_812
KWO16_PROACTIVE = 79_012
KWO16_ANSWERED_PCT = 58
KWO16_PEAK_HOUR = 17
DEFAULT_TWEETS = KWO16_MENTION_TWEETS
DEFAULT_SEED = 2016
DEFAULT_BRANDS = 100
MIN_TWEETS = 100
MAX_BRANDS = 500
FORMATS = ("v1", "v2", "twcs", "parquet")  # parquet: a kwo archive, written by kwo.sample_parquet
YEAR = 2016
TZ_NAME = "Europe/Amsterdam"
GZIP_LEVEL = 1  # isal level 1: ~5x smaller than plain at several hundred MB/s

TWITTER_EPOCH_MS = 1_288_834_974_657
BUCKETS = ("<=30 min", "<=1 h", "<=4 h", "<=8 h", "<=24 h", "<=48 h", ">48 h", "unanswered")
_BUCKET_EDGES = np.array([1800, 3600, 4 * 3600, 8 * 3600, 24 * 3600, 48 * 3600], dtype=np.int64)

# Event kinds. Mention tweets come from C1, C2, X, XR, F1 and F2 only.
C1, C2, X, XR, F1, F2, R, RDUP, RT, PP, P, MP, RSELF, DEL, LIM = range(15)
KIND_NAMES = ("mention", "mention2", "brand_mention", "brand_mention_reply", "followup", "followup2",
              "answer", "answer_extra", "retweet", "proactive_parent", "proactive", "parent_missing",
              "thread_continued", "delete", "limit")
_NOISE = (DEL, LIM)


def _round(x: float) -> int:
    return int(math.floor(x + 0.5))


# numpy 2's hash-based unique/isin are slow on millions of int64; sorting is faster here.
def _uniq(a: np.ndarray) -> np.ndarray:
    a = np.sort(a)
    return a[_starts(a)] if len(a) else a


def _starts(sorted_a: np.ndarray) -> np.ndarray:
    """Mask of the first element of each run of equal values in a sorted array."""
    return np.concatenate(([True], sorted_a[1:] != sorted_a[:-1])) if len(sorted_a) else np.zeros(0, dtype=bool)


def _member(a: np.ndarray, sorted_b: np.ndarray) -> np.ndarray:
    if not len(sorted_b):
        return np.zeros(len(a), dtype=bool)
    pos = np.minimum(np.searchsorted(sorted_b, a), len(sorted_b) - 1)
    return sorted_b[pos] == a


# ---------------------------------------------------------------------------------------------
# The plan: how many tweets of each kind (arithmetic only, no randomness)


@dataclass(frozen=True)
class Plan:
    """Counts decided before anything random happens; the calibration lives here."""

    tweets: int  # mention tweets asked for (--tweets)
    single: int  # customer tweets mentioning one brand
    double: int  # customer tweets mentioning two brands
    brand_to_brand: int  # a brand's tweet mentioning another brand
    brand_to_brand_answered: int  # ... answered; the answer mentions the first brand: one more mention tweet
    followups: int  # a customer replying to a brand's answer, with @brand (a mention tweet)
    followups2: int  # a second round of that
    answered_roots: int  # customer tweets (single + double) answered by at least one brand
    answered_followups: int
    answered_followups2: int
    proactive: int  # brand replies to tweets that did not mention the brand
    parent_missing: int  # brand replies whose parent is not in the archive (deleted tweets)
    retweets: int
    customers: int

    @property
    def mention_tweets(self) -> int:
        return (self.single + self.double + self.brand_to_brand + self.brand_to_brand_answered
                + self.followups + self.followups2)

    @property
    def answered(self) -> int:
        return (self.answered_roots + self.brand_to_brand_answered + self.answered_followups
                + self.answered_followups2)

    @property
    def answered_pct(self) -> float:
        return 100.0 * self.answered / self.mention_tweets


def proactive_for(tweets: int) -> int:
    """round(tweets * 79,012 / 1,508,812), halves rounded up, in exact integer arithmetic."""
    return (2 * tweets * KWO16_PROACTIVE + KWO16_MENTION_TWEETS) // (2 * KWO16_MENTION_TWEETS)


def plan_counts(tweets: int = DEFAULT_TWEETS) -> Plan:
    """The exact counts for ``tweets`` mention tweets. Raises UsageError below MIN_TWEETS."""
    if tweets < MIN_TWEETS:
        raise UsageError(f"--tweets must be at least {MIN_TWEETS} (got {tweets})")
    n = tweets
    x = _round(n * 0.004)
    xr = x // 2
    nf = _round(n * 0.09)
    f1 = _round(nf * 0.8)
    f2 = nf - f1
    roots = n - x - xr - f1 - f2
    double = _round(roots * 0.045)
    single = roots - double
    answered = _round(n * KWO16_ANSWERED_PCT / 100)
    af1 = _round(f1 * 0.62)
    af2 = _round(f2 * 0.45)
    ar = answered - xr - af1 - af2
    plan = Plan(
        tweets=n, single=single, double=double, brand_to_brand=x, brand_to_brand_answered=xr,
        followups=f1, followups2=f2, answered_roots=ar, answered_followups=af1, answered_followups2=af2,
        proactive=proactive_for(n), parent_missing=_round(n * 0.0005), retweets=_round(n * 0.035),
        customers=n // 3 + 500,
    )
    # The follow-ups hang off answers, so there must be enough answers to hang them off.
    assert 0 <= f1 <= ar <= roots and f2 <= af1 and plan.mention_tweets == n, plan
    return plan


# ---------------------------------------------------------------------------------------------
# Fictional organisations. None of these is a real company; handles are at most 15 characters.

SECTORS = ("telecom", "banking", "energy", "transport", "retail", "insurance", "government", "travel", "media")

_ORGS: dict[str, list[tuple[str, str]]] = {
    "telecom": [
        ("Polderweb", "PolderwebHelp"), ("Tulpnet", "TulpnetCare"), ("Dijkmobiel", "DijkmobielNL"),
        ("Glasvezel Oost", "GlasvezelOost"), ("Kustkabel", "KustkabelCare"), ("Belmaatje", "Belmaatje_NL"),
        ("Netwerk Noord", "NetwerkNoordNL"), ("Zendmast", "ZendmastHelpt"), ("Praatpaal Mobiel", "PraatpaalMob"),
        ("Beeldlijn TV", "BeeldlijnTV"),
    ],
    "banking": [
        ("Grachtenbank", "GrachtenbankNL"), ("Spaarhuis Zuid", "SpaarhuisZuid"), ("Molenbank", "MolenbankHelpt"),
        ("Kanaalbank", "KanaalbankCare"), ("Stuiver Bank", "StuiverBank"), ("Florijn Bank", "FlorijnBank"),
        ("Rijksdaalder Spaarbank", "Rijksdaalder"), ("Noorderbank", "NoorderbankNL"),
        ("Heuvelland Bank", "HeuvellandBank"), ("Wadden Hypotheken", "WaddenHypo"), ("Betaalgemak", "BetaalgemakNL"),
        ("Groenkrediet", "Groenkrediet"),
    ],
    "energy": [
        ("ZeeStroom", "ZeeStroomHelp"), ("Windkracht Energie", "WindkrachtNRG"), ("Zonnedak Energie", "ZonnedakHelp"),
        ("Lichtpunt Energie", "LichtpuntNL"), ("Warmtebron", "WarmtebronNL"), ("Stroomlijn", "StroomlijnCare"),
        ("Dynamo Energie", "DynamoEnergie"), ("Watt Nu", "WattNuWebcare"), ("Netbeheer Midden", "NetbeheerMidd"),
        ("Duinwater", "DuinwaterHelp"), ("Vonk Energie", "VonkEnergie"), ("Kolenkit Energie", "KolenkitNRG"),
    ],
    "transport": [
        ("Polderspoor", "PolderspoorNL"), ("Stadsbus Rijnmond", "StadsbusRM"), ("Tram Haaglanden", "TramHaaglanden"),
        ("Veerdienst Wadden", "VeerWadden"), ("Sneltrein Oost", "SneltreinOost"),
        ("Streekvervoer Brabant", "StreekBrabant"), ("Luchtbrug Air", "LuchtbrugAir"), ("Koerier Snel", "KoerierSnel"),
        ("Pakketpost", "PakketpostNL"), ("Nachtbus", "NachtbusNL"), ("Pechhulp Direct", "PechhulpDirect"),
        ("Snelweg Lease", "SnelwegLease"),
    ],
    "retail": [
        ("Buurtsuper Van Dam", "BuurtsuperVD"), ("Versmarkt", "VersmarktNL"), ("Kaasboer Online", "KaasboerOnline"),
        ("Warenhuis De Gracht", "WarenhuisGrcht"), ("Klompje", "KlompjeWinkel"), ("Fietsenhal", "FietsenhalNL"),
        ("Klusmeester", "Klusmeester"), ("Elektroplein", "ElektropleinNL"), ("Webwinkel Oranje", "WebwinkelOranj"),
        ("Boekenbaai", "Boekenbaai"), ("Modehuis Lente", "ModehuisLente"), ("Schoenenloods", "Schoenenloods"),
        ("Drogisterij Lavendel", "LavendelDrogist"), ("Tuinhuis Bloei", "BloeiTuin"), ("Speelgoedkist", "Speelgoedkist"),
        ("Meubelplein", "MeubelpleinNL"), ("Bakkerij Krent", "BakkerKrent"), ("Slijterij De Kruik", "SlijterijKruik"),
        ("Pizzakoerier", "PizzaKoerierNL"), ("Maaltijdbox", "MaaltijdboxNL"), ("Koffiebrander", "KoffieBrander"),
        ("Witgoedwinkel", "WitgoedWinkel"),
    ],
    "insurance": [
        ("Zekerheid Verzekeringen", "ZekerheidHelpt"), ("Dijkgraaf Verzekeringen", "DijkgraafVerz"),
        ("Vangnet Zorg", "VangnetZorg"), ("Zorgzaam", "ZorgzaamNL"), ("Paraplu Verzekert", "ParapluVerz"),
        ("Ankerpolis", "Ankerpolis"), ("Reddingsboei", "ReddingsboeiNL"), ("Schildwacht", "Schildwacht"),
        ("Gezondplan", "GezondplanZorg"), ("Vuurtoren Verzekeringen", "VuurtorenVerz"),
        ("Beschermengel", "BeschermEngel"), ("Kompas Zorg", "KompasZorg"),
    ],
    "government": [
        ("Rijksloket", "RijksloketNL"), ("Gemeente Veenhaven", "GemVeenhaven"), ("Waterschap Lage Weide", "WaterschapLW"),
        ("Studieloket", "StudieloketNL"), ("Uitkeringsloket", "UitkeringLoket"), ("Rijbewijsloket", "RijbewijsLoket"),
        ("Afvalservice Midden", "AfvalMidden"), ("Parkeerbeheer Stad", "ParkeerStad"),
        ("Vergunningbalie", "Vergunningbalie"), ("Gemeente Kreekdam", "GemKreekdam"),
    ],
    "travel": [
        ("Zonvakanties", "ZonvakantiesNL"), ("Strandreizen", "StrandReizen"), ("Campingloket", "Campingloket"),
        ("Bergtrein Reizen", "BergtreinReis"), ("Bungalowpark Heide", "BungalowHeide"),
    ],
    "media": [
        ("Dagblad De Polder", "DagbladPolder"), ("Omroep Kwartier", "OmroepKwartier"), ("Kijkdoos TV", "KijkdoosTV"),
        ("Muziekdoos", "MuziekdoosNL"), ("Vrij Tijdschrift", "VrijTijdschrift"),
    ],
}
# Extra organisations for --brands above the hand-written list: word pairs, still fictional.
_EXTRA_A = ("Blauwe", "Gouden", "Stille", "Hoge", "Oude", "Nieuwe", "Groene", "Rode", "Witte", "Snelle", "Lage", "Verre")
_EXTRA_B = {
    "telecom": "Lijn", "banking": "Bank", "energy": "Stroom", "transport": "Vervoer", "retail": "Winkel",
    "insurance": "Polis", "government": "Loket", "travel": "Reizen", "media": "Omroep",
}

# Per-sector behaviour: mention volume per brand, answer propensity, median response minutes while
# open, proactive propensity, wish to close at 17:00, seasonal amplitude (winter > 0), incident rate.
_SECTOR = {
    #             volume answer resp  proact close17 season incidents
    "telecom":    (1.7,  1.35,  14.0, 2.2,   0.10,   0.05,  1.6),
    "banking":    (1.2,  1.25,  22.0, 0.6,   0.40,   0.04,  1.2),
    "energy":     (1.1,  1.20,  30.0, 1.4,   0.35,   0.25,  1.0),
    "transport":  (1.5,  1.10,   9.0, 3.0,   0.00,   0.12,  1.8),
    "retail":     (0.8,  0.95,  35.0, 1.0,   0.40,   0.00,  0.4),
    "insurance":  (0.8,  1.05,  40.0, 0.5,   0.60,   0.03,  0.3),
    "government": (0.7,  0.60,  95.0, 0.3,   1.00,   0.02,  0.4),
    "travel":     (0.9,  1.00,  28.0, 1.0,   0.40,  -0.30,  0.5),
    "media":      (0.6,  0.50,  75.0, 0.8,   0.50,   0.03,  0.3),
}

_HOURS_17 = ("mon-fri 08:00-17:00", "mon-fri 09:00-17:00", "mon-fri 08:30-17:00; sat 10:00-14:00",
             "mon-fri 08:00-17:00; sat 09:00-17:00")
_HOURS_LATE = {
    "telecom": ("mon-fri 08:00-22:00; sat 10:00-18:00", "mon-sun 08:00-22:00", "mon-fri 08:00-22:00; sat-sun 09:00-21:00"),
    "banking": ("mon-fri 08:00-22:00; sat 10:00-18:00", "mon-fri 08:00-20:00; sat 09:00-17:00", "mon-sun 00:00-24:00"),
    "energy": ("mon-fri 08:00-20:00; sat 09:00-17:00", "mon-fri 08:00-18:00; sat 10:00-16:00", "mon-fri 08:00-21:00"),
    "transport": ("mon-sun 00:00-24:00", "mon-sun 06:00-24:00", "mon-fri 06:00-23:00; sat-sun 08:00-23:00"),
    "retail": ("mon-fri 08:00-22:00; sat 10:00-18:00", "mon-sat 09:00-21:00; sun 12:00-18:00", "mon-fri 08:00-20:00"),
    "insurance": ("mon-fri 08:00-20:00; sat 09:00-13:00", "mon-fri 08:00-21:00", "mon-sun 00:00-24:00"),
    "government": ("mon-fri 08:00-20:00",),
    "travel": ("mon-sun 08:00-22:00", "mon-fri 08:00-21:00; sat-sun 10:00-18:00", "mon-sun 00:00-24:00"),
    "media": ("mon-fri 07:00-21:00; sat-sun 08:00-12:00", "mon-fri 08:00-19:00"),
}
_DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# ---------------------------------------------------------------------------------------------
# People. Surnames and first names are common Dutch ones; combinations are invented.

_FIRST = ("Sanne", "Joost", "Anouk", "Daan", "Lotte", "Bram", "Femke", "Thijs", "Lieke", "Ruben", "Iris", "Sem",
          "Fleur", "Lars", "Eva", "Jesse", "Noor", "Tim", "Roos", "Bas", "Marloes", "Koen", "Esther", "Jeroen",
          "Mirjam", "Pieter", "Ingrid", "Kees", "Wilma", "Henk", "Annemiek", "Sjoerd", "Hanneke", "Maarten",
          "Els", "Rutger", "Yvonne", "Wouter", "Petra", "Gerrit", "Daniëlle", "Mohamed", "Fatima", "Youssef",
          "Samira", "Kevin", "Priya", "Chloé", "Niels", "Merel", "Stijn", "Ilse", "Jasper", "Linda", "Tom",
          "Emma", "Luuk", "Julia", "Milan", "Sophie", "Nina", "Rick", "Marieke", "Erik", "Mark", "Sandra",
          "Dennis", "Monique", "Patrick", "Astrid", "Hugo", "Saskia", "Gijs", "Karin", "Arjen", "Loes")
_LAST = ("de Vries", "Jansen", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit", "Meijer",
         "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer",
         "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "van der Linden", "Kok", "Jacobs", "de Haan",
         "Vermeulen", "van den Heuvel", "van der Veen", "van den Broek", "de Bruijn", "van der Heijden",
         "Schouten", "van Beek", "Willems", "van Vliet", "van de Ven", "Hoekstra", "Maas", "Verhoeven", "Koster",
         "van Dam", "van der Wal", "Prins", "Blom", "Huisman", "Kuipers", "Veenstra", "Kramer", "Scholten",
         "van Wijk", "Postma", "Martens", "Vink", "de Ridder", "El Amrani", "Yilmaz", "Öztürk", "Bouzid")
_NICK = ("koffie", "fietser", "forens", "mama", "papa", "oranje", "lezer", "loper", "tuinier", "gamer", "foodie",
         "zzper", "student", "kaaskop", "voetbal")
_CITIES = ("Amsterdam", "Rotterdam", "Utrecht", "Den Haag", "Eindhoven", "Groningen", "Tilburg", "Almere",
           "Breda", "Nijmegen", "Arnhem", "Haarlem", "Zwolle", "Leiden", "Maastricht", "Nederland", "Friesland",
           "Zeeland", "", "")
_BIOS = ("", "", "Koffie, fietsen en slechte woordgrappen.", "Moeder van twee. Altijd onderweg.",
         "Forens tussen Utrecht en Amsterdam.", "Meningen zijn van mijzelf.", "Tuinier in hart en nieren.",
         "Student. Bijbaan. Te weinig slaap.", "Ondernemer in de bouw.", "Hardlopen, lezen, reizen.",
         "Zzp'er in de zorg.", "Kampioen in klagen, soms ook in complimenten.")
_SOURCES_CUSTOMER = (
    ("http://twitter.com/download/iphone", "Twitter for iPhone"),
    ("http://twitter.com/download/android", "Twitter for Android"),
    ("http://twitter.com", "Twitter Web Client"),
    ("https://mobile.twitter.com", "Mobile Web (M5)"),
    ("http://twitter.com/#!/download/ipad", "Twitter for iPad"),
)
_SOURCES_BRAND = (
    ("https://about.twitter.com/products/tweetdeck", "TweetDeck"),
    ("https://webcarestudio.example", "Webcare Studio"),
    ("https://caredesk.example", "CareDesk"),
)

# ---------------------------------------------------------------------------------------------
# Texts. {0} and {1} are mention slots (@handle); replies get "@customer " in front.

# Customer tweets carry a tone, and the answer matches it: c = complaint, q = question, p = praise.
_T_MENTION_ANY = (
    "c{0} ik hang nu al 45 minuten in de wacht, kan iemand mij helpen?",
    "c{0} waarom krijg ik geen antwoord op mijn mail van vorige week?",
    "q{0} hoe kan ik mijn adreswijziging doorgeven?",
    "c{0} mijn klantnummer werkt niet in de app, wat nu?",
    "p{0} top geholpen door jullie medewerker vandaag, dank!",
    "c{0} al drie keer gebeld en nog steeds geen oplossing. Echt belachelijk",
    "q{0} kunnen jullie mij even terugbellen? Het is dringend",
    "cWat een slechte service weer van {0}. Nooit meer",
    "pComplimenten voor {0}, binnen een dag geregeld!",
    "c{0} ligt jullie website eruit? Ik kan niet inloggen",
    "q{0} wanneer krijg ik mijn geld terug?",
    "q{0} ik heb een vraag over mijn factuur, kan ik die hier stellen?",
    "q{0} zijn jullie vandaag gewoon bereikbaar?",
    "cHoe lang moet je eigenlijk wachten op een reactie van {0}?",
    "c{0} de app crasht steeds bij het openen",
    "p{0} eindelijk opgelost, dank voor het meedenken!",
)
_T_MENTION = {
    "telecom": ("c{0} mijn internet ligt er al sinds vanochtend uit, wanneer is dit opgelost?",
                "c{0} storing in Utrecht? Geen tv en geen internet",
                "c{0} mijn nieuwe simkaart is nog steeds niet geactiveerd",
                "c{0} waarom is mijn rekening deze maand zo hoog? Ik heb niks extra gebeld",
                "q{0} geen bereik in de trein tussen Amersfoort en Zwolle, klopt dat?"),
    "banking": ("c{0} mijn pinpas is ingeslikt door de automaat, wat nu?",
                "c{0} storing bij internetbankieren? Ik kan niet inloggen",
                "c{0} mijn overboeking van gisteren staat er nog steeds niet op",
                "q{0} ik kreeg een vreemde mail namens jullie, is dit phishing?",
                "q{0} hoe vraag ik een nieuwe betaalpas aan?"),
    "energy": ("c{0} mijn jaarafrekening klopt echt niet, veel te hoog",
               "c{0} stroomstoring in onze straat, is dat bekend?",
               "q{0} wanneer komt de monteur voor de slimme meter?",
               "c{0} mijn termijnbedrag is verdubbeld zonder uitleg",
               "c{0} geen warm water en de cv doet het niet, help"),
    "transport": ("c{0} alweer 20 minuten vertraging, wat is er aan de hand?",
                  "c{0} rit uitgevallen en nergens informatie te vinden",
                  "c{0} al twee uur aan het wachten en nog steeds niks",
                  "c{0} jullie chauffeur was echt onbeschoft vandaag",
                  "q{0} kan ik mijn reservering nog annuleren?"),
    "retail": ("c{0} mijn bestelling is nog steeds niet geleverd",
               "q{0} verkeerde maat ontvangen, hoe kan ik dit retour sturen?",
               "q{0} is dit product binnenkort weer op voorraad?",
               "c{0} de actie uit de folder werkt niet aan de kassa",
               "c{0} pakket kapot aangekomen, wat nu?"),
    "insurance": ("c{0} mijn schademelding is al 3 weken in behandeling",
                  "c{0} waarom wordt mijn declaratie afgewezen?",
                  "q{0} hoe zeg ik mijn polis op?",
                  "q{0} wanneer worden mijn zorgkosten vergoed?",
                  "q{0} ik heb een vraag over mijn eigen risico"),
    "government": ("c{0} ik wacht al 8 weken op een beslissing over mijn aanvraag",
                   "q{0} wanneer wordt het afval weer opgehaald in onze wijk?",
                   "c{0} de website geeft een foutmelding bij het inloggen",
                   "q{0} hoe lang duurt het voordat mijn vergunning rond is?",
                   "c{0} mijn toeslag is stopgezet zonder bericht"),
    "travel": ("c{0} onze vlucht is geannuleerd, hoe zit het met omboeken?",
               "c{0} het zwembad op het park is al dagen dicht",
               "q{0} wanneer krijgen we de reisdocumenten?"),
    "media": ("c{0} de krant is vanochtend weer niet bezorgd",
              "c{0} de stream hapert de hele avond",
              "q{0} hoe zeg ik mijn abonnement op?"),
}
_TONES = "cqp"
_T_TWO = (
    "{0} {1} wie van jullie gaat dit nu oplossen?",
    "Overstappen van {0} naar {1}, iemand ervaring mee?",
    "{0} en {1} wijzen allebei naar elkaar. Ik wil gewoon een oplossing",
    "{0} {1} mijn pakket is ergens tussen jullie in zoekgeraakt",
    "Waarom is {0} zoveel sneller met antwoorden dan {1}?",
)
_T_FOLLOWUP = (
    "{0} Bedankt! Ik heb jullie een DM gestuurd",
    "{0} Nee, het probleem is nog steeds niet opgelost",
    "{0} Helaas werkt het nog steeds niet",
    "{0} Top, dank voor de snelle reactie!",
    "{0} Heb ik al gedaan, zonder resultaat",
    "{0} Mijn klantnummer staat in de DM",
    "{0} Oké, ik probeer het vanavond nog een keer",
)
_T_FOLLOWUP2 = (
    "{0} Het werkt weer, bedankt!",
    "{0} Nog steeds niks gehoord...",
    "{0} Dank voor jullie hulp",
    "{0} Nog altijd geen reactie op mijn DM",
)
_T_BRAND_TO_BRAND = (
    "Trots op onze samenwerking met {0}!",
    "Samen met {0} maken we het verschil voor onze klanten",
    "Gefeliciteerd {0} met jullie nieuwe vestiging!",
    "Vanaf vandaag kun je ook bij {0} terecht voor onze producten",
    "Goed gesprek gehad met {0} over duurzaamheid",
)
_T_BRAND_TO_BRAND_REPLY = (
    "dank jullie wel! Op naar een mooie samenwerking.",
    "bedankt, en ook jullie veel succes!",
)
# Answer bodies by tone (lower case: a salutation may come in front).
_T_ANSWER_ANY = {
    "c": ("vervelend om te lezen! Stuur je ons een DM met je klantnummer? Dan kijken we even mee.",
          "sorry voor het lange wachten. Ik zoek het direct voor je uit.",
          "we begrijpen je frustratie. Ik bel je morgen terug, is dat goed?",
          "kun je ons via DM je postcode en huisnummer sturen?"),
    "q": ("dank voor je vraag. Stuur je ons een DM met je klantnummer?",
          "je vindt het antwoord op onze site onder veelgestelde vragen.",
          "dat kan! Stuur ons een DM, dan regelen we het.",
          "goede vraag. Ik zoek het voor je uit en kom erop terug."),
    "p": ("wat fijn om te horen! We geven het compliment door aan onze collega.",
          "dank je wel, daar worden we blij van!"),
}
_T_ANSWER = {  # complaints
    "telecom": ("er is op dit moment een storing in jouw regio. Onze monteurs werken aan een oplossing.",
                "heb je het modem al even opnieuw opgestart?"),
    "banking": ("we hebben je pas voor de zekerheid geblokkeerd. Een nieuwe is onderweg.",
                "dat is vervelend. Stuur ons een DM, dan zoeken we je overboeking op."),
    "energy": ("ik heb je termijnbedrag nagekeken en pas het aan.",
               "de netbeheerder is op de hoogte en werkt aan de storing."),
    "transport": ("door een storing rijden we vandaag minder vaak. Excuses voor het ongemak.",
                  "je kunt je geld terugvragen via het formulier op onze site."),
    "retail": ("je bestelling staat klaar voor verzending en komt morgen.",
               "excuses! Stuur ons je ordernummer via DM, dan sturen we een nieuwe."),
    "insurance": ("je schademelding ligt bij de expert. Je hoort deze week van ons.",),
    "government": ("je aanvraag is in behandeling. Je krijgt binnen twee weken bericht.",),
    "travel": ("we zoeken een alternatieve vlucht voor jullie.",),
    "media": ("we zorgen dat je de krant vandaag alsnog ontvangt.",),
}
_T_ANSWER_FOLLOWUP = (
    "fijn dat het gelukt is! Nog een fijne dag.",
    "dank je, we hebben je DM ontvangen en reageren daar.",
    "vervelend! Ik heb het doorgezet naar onze technische dienst.",
    "graag gedaan!",
    "we houden je op de hoogte.",
)
_T_ANSWER_EXTRA = (
    "aanvulling: bellen kan ook, via het nummer op onze site.",
    "PS: je hoeft hiervoor niet naar de winkel te komen.",
)
_T_THREAD = (
    "(2/2) Laat je het ons weten als het dan nog niet lukt?",
    "(2/2) Onze excuses voor het ongemak.",
)
_T_PROACTIVE_PARENT = (
    "Alweer vertraging bij {name}, elke dag hetzelfde",
    "Iemand anders ook problemen met {name} vandaag?",
    "Ben er helemaal klaar mee. {name} krijgt het gewoon niet voor elkaar #{tag}",
    "Nog steeds aan het wachten op {name}...",
    "Zo blij met mijn nieuwe abonnement bij {name} #{tag}",
    "Wie weet hoe je iemand van {name} aan de lijn krijgt?",
)
_T_PROACTIVE = (
    "we lazen je tweet. Kunnen we je ergens mee helpen?",
    "vervelend om te lezen! Stuur ons gerust een DM, dan zoeken we het uit.",
    "dank voor je mooie woorden!",
    "we zagen je tweet voorbijkomen. Wat is er precies aan de hand?",
)
_T_PARENT_MISSING = (
    "excuses voor het ongemak! Stuur je ons een DM?",
    "dank voor je geduld, het is inmiddels opgelost.",
)
_EMOJI = ("", " 😡", " 🙏", " 😤", " 👍", " 🤔", " 😩")


def _check_text(s: str) -> None:
    # Texts go into JSON and CSV unescaped, and Twitter HTML-escapes & < >: keep them out.
    bad = set(s) & set('"\\&<>\n\r\t@')
    if bad:
        raise AssertionError(f"unsafe character(s) {bad} in {s!r}")


def _all_texts():
    yield from _T_MENTION_ANY
    for v in (*_T_MENTION.values(), *_T_ANSWER.values(), *_T_ANSWER_ANY.values()):
        yield from v
    yield from (*_T_TWO, *_T_FOLLOWUP, *_T_FOLLOWUP2, *_T_BRAND_TO_BRAND, *_T_BRAND_TO_BRAND_REPLY,
                *_T_ANSWER_FOLLOWUP, *_T_ANSWER_EXTRA, *_T_THREAD, *_T_PROACTIVE_PARENT, *_T_PROACTIVE, *_T_PARENT_MISSING,
                *_FIRST, *_LAST, *_NICK, *_CITIES, *_BIOS)
    for orgs in _ORGS.values():
        for name, handle in orgs:
            yield name
            yield handle


for _s in _all_texts():
    _check_text(_s)
for _orgs in _ORGS.values():
    for _n, _h in _orgs:
        assert re.fullmatch(r"\w{1,15}", _h, re.ASCII), _h

_SLOT_RE = re.compile(r"\{(\d)\}")


def _compile(tpl: str) -> tuple:
    """'{0} foo {1} bar' -> ('', 0, ' foo ', 1, ' bar'): literals and mention slots alternate."""
    parts = _SLOT_RE.split(tpl)
    return tuple(int(p) if i % 2 else p for i, p in enumerate(parts))


_C_MENTION = {s: tuple(_compile(t[1:]) for t in _T_MENTION.get(s, ()) + _T_MENTION_ANY) for s in SECTORS}
_MENTION_TONE = {s: [_TONES.index(t[0]) for t in _T_MENTION.get(s, ()) + _T_MENTION_ANY] for s in SECTORS}
_C_TWO = tuple(_compile(t) for t in _T_TWO)
_C_FOLLOWUP = tuple(_compile(t) for t in _T_FOLLOWUP)
_C_FOLLOWUP2 = tuple(_compile(t) for t in _T_FOLLOWUP2)
_C_B2B = tuple(_compile(t) for t in _T_BRAND_TO_BRAND)
# Answers by sector and tone; tone 3 is the answer to a follow-up.
_ANSWERS = {s: (_T_ANSWER.get(s, ()) + _T_ANSWER_ANY["c"], _T_ANSWER_ANY["q"], _T_ANSWER_ANY["p"], _T_ANSWER_FOLLOWUP)
            for s in SECTORS}

# ---------------------------------------------------------------------------------------------
# Time: local Amsterdam wall-clock times are drawn, then converted to UTC with the tz database.

_TZ = ZoneInfo(TZ_NAME)
_YEAR_NAIVE0 = int(datetime(YEAR, 1, 1, tzinfo=UTC).timestamp())  # local midnight, read as UTC
_NDAYS = 366 if YEAR % 4 == 0 else 365
_UTC_TABLE0 = _YEAR_NAIVE0 - 31 * 86400  # the UTC -> local table covers Dec 2015 .. Apr 2017
_UTC_TABLE_HOURS = (_NDAYS + 31 + 120) * 24
_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class _Clock:
    """Vectorised local <-> UTC conversion for Europe/Amsterdam around the sample year."""

    def __init__(self) -> None:
        base = datetime(YEAR, 1, 1)
        # UTC offset of each local (day, hour), fold=0: the zoneinfo answer for that wall time.
        self.local_off = np.array(
            [int((base + timedelta(hours=i)).replace(tzinfo=_TZ).utcoffset().total_seconds())
             for i in range(_NDAYS * 24)], dtype=np.int64)
        # UTC offset in force during each UTC hour (transitions fall on whole UTC hours).
        self.utc_off = np.array(
            [int(datetime.fromtimestamp(_UTC_TABLE0 + i * 3600, _TZ).utcoffset().total_seconds())
             for i in range(_UTC_TABLE_HOURS)], dtype=np.int64)

    def to_utc(self, naive: np.ndarray) -> np.ndarray:
        cell = np.clip((naive - _YEAR_NAIVE0) // 3600, 0, _NDAYS * 24 - 1)
        return naive - self.local_off[cell]

    def to_local(self, utc: np.ndarray) -> np.ndarray:
        cell = np.clip((utc - _UTC_TABLE0) // 3600, 0, _UTC_TABLE_HOURS - 1)
        return utc + self.utc_off[cell]

    def minute_of_week(self, utc: np.ndarray) -> np.ndarray:
        """Local minute of the week, Monday 00:00 = 0 (1970-01-01 was a Thursday)."""
        local = self.to_local(utc)
        return ((local // 86400 + 3) % 7) * 1440 + (local % 86400) // 60

    def local_hour(self, utc: np.ndarray) -> np.ndarray:
        return (self.to_local(utc) // 3600) % 24


# Mention volume by local hour (weights). Weekday peak 17:00-18:00: people tweet about the day's
# trouble on the way home; weekends start later and are flatter.
_HOURS_WEEKDAY = np.array([1.2, 0.6, 0.35, 0.25, 0.25, 0.5, 1.5, 3.3, 4.8, 5.4, 5.6, 5.6,
                           5.5, 5.5, 5.6, 5.9, 6.6, 8.7, 7.0, 6.2, 6.2, 5.6, 4.2, 2.4])
_HOURS_WEEKEND = np.array([2.0, 1.2, 0.7, 0.4, 0.3, 0.3, 0.6, 1.2, 2.4, 3.8, 5.2, 5.8,
                           6.0, 6.0, 6.0, 6.0, 6.2, 6.7, 6.4, 6.3, 6.4, 5.9, 4.6, 3.2])
_HOURS_BUSINESS = np.array([0, 0, 0, 0, 0, 0, 0, 0.3, 1, 2, 2, 2, 1.5, 2, 2, 2, 1.5, 0.8, 0.3, 0.1, 0, 0, 0, 0.0])
_SECTOR_HOUR_TILT = {
    "telecom": {19: 1.15, 20: 1.25, 21: 1.25, 22: 1.15, 9: 0.9, 10: 0.9},
    "transport": {7: 1.6, 8: 1.5, 17: 1.3, 18: 1.25, 21: 0.8, 22: 0.75, 23: 0.7},
    "government": {9: 1.2, 10: 1.2, 11: 1.2, 13: 1.15, 14: 1.15, 15: 1.1, 20: 0.75, 21: 0.7, 22: 0.6, 23: 0.6},
    "energy": {8: 1.1, 9: 1.1, 10: 1.1, 11: 1.1, 12: 1.05},
    "media": {7: 1.3, 8: 1.2, 20: 1.2, 21: 1.2},
}
_WEEKDAY_FACTOR = np.array([1.12, 1.08, 1.04, 1.04, 0.98, 0.68, 0.62])
# Day-of-year index (2016 is a leap year) -> factor, and days that are holidays (weekend rhythm).
_SPECIAL_DAYS = {0: 0.6, 87: 0.8, 117: 0.8, 125: 0.85, 136: 0.85, 359: 0.7, 360: 0.75, 365: 0.8}
_HOLIDAYS = {0, 87, 117, 125, 136, 359, 360}
_SUMMER = range(190, 241)


def _day_weights(sector: str, season_amp: float) -> np.ndarray:
    d = np.arange(_NDAYS)
    w = _WEEKDAY_FACTOR[(d + 4) % 7].copy()  # 2016-01-01 was a Friday
    w *= 1 + season_amp * np.cos(2 * np.pi * (d - 10) / _NDAYS)
    for day, f in _SPECIAL_DAYS.items():
        if day < _NDAYS:
            w[day] *= f
    if sector == "travel":
        w[list(_SUMMER)] *= 1.3
    elif sector in ("banking", "government", "insurance"):
        w[list(_SUMMER)] *= 0.9
    if sector == "retail":
        w[329] *= 1.8  # Black Friday
        w[334:340] *= 1.4  # Sinterklaas
        w[350:359] *= 1.3  # Christmas shopping
    return w


def _is_weekend_day() -> np.ndarray:
    d = np.arange(_NDAYS)
    weekend = (d + 4) % 7 >= 5
    weekend[sorted(x for x in _HOLIDAYS if x < _NDAYS)] = True
    return weekend


# ---------------------------------------------------------------------------------------------
# The roster


@dataclass
class SampleBrand:
    handle: str
    name: str
    sector: str
    user_id: int
    hours: str
    tz: str
    agents: tuple[str, ...]  # signatures as they appear under replies: "^JK", "-Sanne"
    volume: float  # share of the mentions
    answer: float  # answer propensity (a weight, not a probability)
    response_minutes: float  # median response while open
    proactive: float
    closes_at_17: bool

    def roster_row(self, fmt: str) -> list[str]:
        # twcs identifies a company by its screen name as author_id, so that is its user id there.
        uid = self.handle if fmt == "twcs" else str(self.user_id)
        return [self.handle, self.name, self.sector, uid, self.hours, self.tz]


def _org_list(k: int) -> list[tuple[str, str, str]]:
    """The first k organisations, taken round-robin over the sectors so a small k spans them."""
    queues = {s: list(_ORGS[s]) for s in SECTORS}
    out: list[tuple[str, str, str]] = []
    weights = {s: len(_ORGS[s]) for s in SECTORS}
    taken = {s: 0 for s in SECTORS}
    while len(out) < k and any(queues.values()):
        # The sector furthest behind its share goes next, so every prefix has the full list's mix.
        s = min((s for s in SECTORS if queues[s]), key=lambda s: (taken[s] / weights[s], SECTORS.index(s)))
        name, handle = queues[s].pop(0)
        out.append((name, handle, s))
        taken[s] += 1
    i = 0
    while len(out) < k:
        s = SECTORS[i % len(SECTORS)]
        a = _EXTRA_A[(i // len(SECTORS)) % len(_EXTRA_A)]
        n = i // (len(SECTORS) * len(_EXTRA_A))
        word = _EXTRA_B[s]
        name = f"{a} {word}" + (f" {n + 2}" if n else "")
        handle = f"{a}{word}" + (str(n + 2) if n else "")
        out.append((name, handle[:15], s))
        i += 1
    return out


def _format_hours(spec: str) -> np.ndarray:
    """Opening hours spec -> weekly open mask (7 * 1440 minutes, Monday 00:00 first)."""
    mask = np.zeros(7 * 1440, dtype=bool)
    for part in spec.split(";"):
        days, times = part.split()
        if "-" in days:
            a, b = days.split("-")
            ds = range(_DAY_NAMES.index(a), _DAY_NAMES.index(b) + 1)
        else:
            ds = [_DAY_NAMES.index(days)]
        t0, t1 = times.split("-")
        m0 = int(t0[:2]) * 60 + int(t0[3:])
        m1 = int(t1[:2]) * 60 + int(t1[3:])
        for d in ds:
            mask[d * 1440 + m0: d * 1440 + m1] = True
    return mask


def build_roster(k: int, rng: np.random.Generator) -> list[SampleBrand]:
    orgs = _org_list(k)
    n17 = _round(0.3 * k)
    pref = np.array([_SECTOR[s][4] for _, _, s in orgs]) + rng.random(k) * 0.6
    closes17 = np.zeros(k, dtype=bool)
    closes17[np.argsort(-pref, kind="stable")[:n17]] = True
    ids = np.unique(rng.integers(14_000_000, 3_900_000_000, 2 * k))[:k]
    ids = ids[rng.permutation(len(ids))]
    vol_f = rng.lognormal(0, 0.8, k)
    ans_f = rng.lognormal(0, 0.35, k)
    resp_f = rng.lognormal(0, 0.45, k)
    pro_f = rng.lognormal(0, 0.5, k)
    sig_style = rng.integers(0, 3, k)
    n_agents = rng.integers(3, 7, k)
    brands = []
    for i, (name, handle, sector) in enumerate(orgs):
        vol, ans, resp, pro, _, _, _ = _SECTOR[sector]
        if closes17[i]:
            hours = _HOURS_17[int(rng.integers(len(_HOURS_17)))]
        else:
            options = _HOURS_LATE[sector]
            hours = options[int(rng.integers(len(options)))]
        agents = []
        for _ in range(int(n_agents[i])):
            first = _FIRST[int(rng.integers(len(_FIRST)))]
            last = _LAST[int(rng.integers(len(_LAST)))]
            initials = (first[0] + last.split()[-1][0]).upper()
            agents.append({0: f"^{initials}", 1: f"-{first}", 2: f"Groet, {first}"}[int(sig_style[i])])
        brands.append(SampleBrand(
            handle=handle, name=name, sector=sector, user_id=int(ids[i]), hours=hours, tz=TZ_NAME,
            agents=tuple(agents), volume=float(vol * vol_f[i]), answer=float(ans * ans_f[i]),
            response_minutes=float(resp * resp_f[i]), proactive=float(_SECTOR[sector][3] * pro_f[i]),
            closes_at_17=bool(closes17[i]),
        ))
    return brands


# ---------------------------------------------------------------------------------------------
# Accounts: brands first (index < K), then customers


_ASCII = str.maketrans({"ë": "e", "é": "e", "Ö": "O", "ö": "o", "ü": "u", " ": ""})


@dataclass
class _Accounts:
    ids: list[str]  # numeric user ids as text (v1, v2)
    handles: list[str]
    names: list[str]
    created: np.ndarray  # account creation, epoch seconds
    followers: np.ndarray
    friends: np.ndarray
    statuses: np.ndarray
    city: np.ndarray
    bio: np.ndarray
    first_names: list[str]


_ID_ANCHORS_T = np.array([datetime(y, 1, 1, tzinfo=UTC).timestamp() for y in range(2007, 2016)] +
                         [datetime(2015, 12, 1, tzinfo=UTC).timestamp()])
_ID_ANCHORS = np.array([1e6, 1.8e7, 1e8, 2.3e8, 4.5e8, 1.05e9, 2.25e9, 2.95e9, 3.6e9, 4.3e9])


def _build_accounts(brands: list[SampleBrand], n_customers: int, rng: np.random.Generator) -> _Accounts:
    k = len(brands)
    # Creation time; user ids follow it as Twitter's did (sequential, snowflake from late 2015).
    start = datetime(2008, 1, 1, tzinfo=UTC).timestamp()
    end = datetime(2015, 12, 31, tzinfo=UTC).timestamp()
    created = (start + (end - start) * rng.random(n_customers) ** 0.8).astype(np.int64)
    small = np.interp(created, _ID_ANCHORS_T, _ID_ANCHORS).astype(np.int64) + rng.integers(0, 5_000_000, n_customers)
    late = created >= _ID_ANCHORS_T[-1]
    snow = ((created * 1000 - TWITTER_EPOCH_MS) << 22) | rng.integers(0, 1 << 22, n_customers)
    cust_ids = np.where(late, snow, small)
    brand_ids = {b.user_id for b in brands}
    # Make the ids distinct (and distinct from the brands') by nudging repeats upwards.
    order = np.argsort(cust_ids, kind="stable")
    sorted_ids = cust_ids[order]
    while True:
        dup = np.flatnonzero(sorted_ids[1:] <= sorted_ids[:-1]) + 1
        clash = np.flatnonzero(np.isin(sorted_ids, list(brand_ids)))
        if not len(dup) and not len(clash):
            break
        sorted_ids[dup] = sorted_ids[dup - 1] + 1
        sorted_ids[clash] += 1
    cust_ids = np.empty_like(sorted_ids)
    cust_ids[order] = sorted_ids

    fi = rng.integers(0, len(_FIRST), n_customers)
    li = rng.integers(0, len(_LAST), n_customers)
    ni = rng.integers(0, len(_NICK), n_customers)
    pattern = rng.integers(0, 6, n_customers)
    yy = rng.integers(60, 100, n_customers)
    name_style = rng.integers(0, 4, n_customers)
    # Handles: a base from the name (6 patterns), numbered when the base is taken, as people do.
    # The numbering is the rank within the base (vectorised); the loop only glues strings.
    f_ascii = [f.translate(_ASCII) for f in _FIRST]
    f_low = [f.lower() for f in f_ascii]
    l_ascii = [x.translate(_ASCII) for x in _LAST]
    l_low = [x.lower() for x in l_ascii]
    n_f, n_l, n_n = len(_FIRST), len(_LAST), len(_NICK)
    bases = ([f_ascii[a][:5] + l_ascii[b][:6] for a in range(n_f) for b in range(n_l)]
             + [f"{f_low[a][:5]}_{l_low[b][:5]}" for a in range(n_f) for b in range(n_l)]
             + [f"{f_low[a]}{y}" for a in range(n_f) for y in range(60, 100)]
             + [f"{f_ascii[a]}{l_ascii[b][0]}" for a in range(n_f) for b in range(n_l)]
             + [f"{_NICK[k]}_{f_low[a][:4]}" for k in range(n_n) for a in range(n_f)]
             + [f"{f_low[a][0]}{l_low[b][:9]}" for a in range(n_f) for b in range(n_l)])
    bases = [b[:11] for b in bases]  # room for a number of up to 4 digits
    base_ids: dict[str, int] = {}
    base_id = np.array([base_ids.setdefault(b.lower(), len(base_ids)) for b in bases])
    offsets = np.cumsum([0, n_f * n_l, n_f * n_l, n_f * 40, n_f * n_l, n_n * n_f])
    code = offsets[pattern] + np.select(
        [pattern == 0, pattern == 1, pattern == 2, pattern == 3, pattern == 4],
        [fi * n_l + li, fi * n_l + li, fi * 40 + (yy - 60), fi * n_l + li, ni * n_f + fi], fi * n_l + li)
    order = np.argsort(base_id[code], kind="stable")
    sc = base_id[code][order]
    group_start = np.maximum.accumulate(np.where(_starts(sc), np.arange(len(sc)), 0))
    rank = np.empty(n_customers, dtype=np.int64)
    rank[order] = np.arange(len(sc)) - group_start
    # Some patterns always carry a number; the others only from the second holder of the base.
    always = (pattern == 3)
    suffix = np.where(always, rank + 1, rank)
    handles = [bases[c] + (str(x) if x else "") for c, x in zip(code.tolist(), suffix.tolist(), strict=True)]
    taken = {b.handle.lower() for b in brands}
    for i, h in enumerate(handles):  # bases may still meet ("tim6"+"8" and "tim"+"68"): renumber those
        low = h.lower()
        j = 2
        while low in taken:
            h = f"{handles[i][:11]}{j}"
            low = h.lower()
            j += 1
        handles[i] = h
        taken.add(low)
    display = [[f, f"{f} {x[0].upper()}.", f"{f} {x}"] for f in _FIRST for x in _LAST]
    names = [display[a * n_l + b][min(st, 2)]
             for a, b, st in zip(fi.tolist(), li.tolist(), name_style.tolist(), strict=True)]
    firsts = [_FIRST[a] for a in fi.tolist()]
    n_all = k + n_customers
    brand_created = rng.integers(int(datetime(2009, 3, 1).timestamp()), int(datetime(2013, 6, 1).timestamp()), k)
    return _Accounts(
        ids=[str(b.user_id) for b in brands] + [str(x) for x in cust_ids.tolist()],
        handles=[b.handle for b in brands] + handles,
        names=[b.name for b in brands] + names,
        created=np.concatenate([brand_created, created]),
        followers=np.concatenate([rng.integers(3_000, 90_000, k), rng.lognormal(4.5, 1.4, n_customers).astype(np.int64)]),
        friends=np.concatenate([rng.integers(50, 2_000, k), rng.lognormal(5.0, 1.0, n_customers).astype(np.int64)]),
        statuses=np.concatenate([rng.integers(20_000, 400_000, k), rng.lognormal(7.5, 1.5, n_customers).astype(np.int64)]),
        city=rng.integers(0, len(_CITIES), n_all),
        bio=rng.integers(0, len(_BIOS), n_all),
        first_names=[""] * k + firsts,
    )


# ---------------------------------------------------------------------------------------------
# The events: every tweet and notice, as columns


class _Builder:
    """Collects blocks of events; returns the global index of each block's first row."""

    COLS = ("kind", "t", "author", "parent", "ext", "m1", "m2", "aux", "tpl", "agent", "deco")

    def __init__(self) -> None:
        self.blocks: dict[str, list[np.ndarray]] = {c: [] for c in self.COLS}
        self.n = 0

    def add(self, kind: int, t, author, *, parent=-1, ext=0, m1=-1, m2=-1, aux=-1, tpl=0, agent=0, deco=0) -> int:
        t = np.asarray(t, dtype=np.int64)
        n = len(t)
        start = self.n
        vals = dict(kind=kind, t=t, author=author, parent=parent, ext=ext, m1=m1, m2=m2, aux=aux, tpl=tpl,
                    agent=agent, deco=deco)
        dtypes = dict(kind=np.int8, t=np.int64, author=np.int32, parent=np.int64, ext=np.int64, m1=np.int32,
                      m2=np.int32, aux=np.int64, tpl=np.int16, agent=np.int16, deco=np.int8)
        for c in self.COLS:
            v = np.asarray(vals[c])
            self.blocks[c].append(np.broadcast_to(v, (n,)).astype(dtypes[c]))
        self.n += n
        return start

    def arrays(self) -> dict[str, np.ndarray]:
        return {c: (np.concatenate(v) if v else np.empty(0)) for c, v in self.blocks.items()}


@dataclass
class _World:
    plan: Plan
    fmt: str
    seed: int
    brands: list[SampleBrand]
    acc: _Accounts
    ev: dict[str, np.ndarray]  # sorted by time; see _Builder.COLS plus tid, ptid, pauthor, conv, src, twcs_id
    files: list[tuple[str, int, int]] = field(default_factory=list)  # (name, start, end) row ranges


class _Gen:
    """Draws the year of events. All randomness comes from one seeded numpy generator."""

    def __init__(self, plan: Plan, k: int, seed: int, shard: tuple[int, int] | None = None):
        self.plan = plan
        self.k = k
        self.rng = np.random.default_rng(np.random.SeedSequence([seed, 0x4B574F16]))
        self.clock = _Clock()
        self.brands = build_roster(k, self.rng)
        # A shard (index, count) of a large archive (kwo.sample_parquet): the roster is the whole
        # archive's, everything after it is the shard's own draw. Its tweet ids end in low bits
        # that are its index modulo the count, so the ids of different shards never meet.
        self.shard, self.shards = shard or (0, 1)
        if shard is not None:
            self.rng = np.random.default_rng(np.random.SeedSequence([seed, 0x4B574F16, self.shard]))
        self.acc = _build_accounts(self.brands, plan.customers, self.rng)
        self.sector_idx = np.array([SECTORS.index(b.sector) for b in self.brands])
        self.vol = np.array([b.volume for b in self.brands])
        self.vol /= self.vol.sum()
        self.answer_w = np.array([b.answer for b in self.brands])
        self.resp_med = np.array([b.response_minutes for b in self.brands])
        self.pro_w = np.array([b.proactive for b in self.brands]) * np.sqrt(self.vol)
        self.pro_w /= self.pro_w.sum()
        masks = np.stack([_format_hours(b.hours) for b in self.brands])
        self.open_mask = masks
        self.wait = np.stack([self._wait_minutes(m) for m in masks])  # minutes until open, 0 when open
        weekend = _is_weekend_day()
        self.cell_p = {}
        for si, s in enumerate(SECTORS):
            prof_wd = _HOURS_WEEKDAY.copy()
            prof_we = _HOURS_WEEKEND.copy()
            for h, f in _SECTOR_HOUR_TILT.get(s, {}).items():
                prof_wd[h] *= f
                prof_we[h] *= 1 + (f - 1) / 2
            dw = _day_weights(s, _SECTOR[s][5])
            cells = dw[:, None] * np.where(weekend[:, None], prof_we / prof_we.sum(), prof_wd / prof_wd.sum())
            self.cell_p[si] = (cells / cells.sum()).ravel()
        biz = np.where(weekend[:, None], 0.15, 1.0) * _HOURS_BUSINESS[None, :]
        self.biz_p = (biz / biz.sum()).ravel()
        self.b = _Builder()

    def low_bits(self, n: int) -> np.ndarray:
        """The low 22 bits of snowflake ids (worker and sequence): random; in a shard, its index
        modulo the shard count, so a clashing id is nudged by the shard count (see _finish)."""
        if self.shards == 1:
            return self.rng.integers(0, 1 << 22, n)
        return self.rng.integers(0, (1 << 22) // self.shards, n) * self.shards + self.shard

    @staticmethod
    def _wait_minutes(mask: np.ndarray) -> np.ndarray:
        n = len(mask)
        opens = np.flatnonzero(mask)
        if not len(opens):
            return np.zeros(n, dtype=np.int64)
        ext = np.concatenate([opens, opens + n])
        return ext[np.searchsorted(ext, np.arange(n))] - np.arange(n)

    # -- times ----------------------------------------------------------------------------------

    def _from_cells(self, cells: np.ndarray) -> np.ndarray:
        naive = _YEAR_NAIVE0 + cells.astype(np.int64) * 3600 + self.rng.integers(0, 3600, len(cells))
        return naive - self.clock.local_off[cells]

    def mention_times(self, brand: np.ndarray) -> np.ndarray:
        """Customer tweet times for the given brands: the sector's day and hour rhythm."""
        t = np.empty(len(brand), dtype=np.int64)
        sec = self.sector_idx[brand]
        for si in range(len(SECTORS)):
            sel = np.flatnonzero(sec == si)
            if len(sel):
                cells = self.rng.choice(len(self.cell_p[si]), size=len(sel), p=self.cell_p[si])
                t[sel] = self._from_cells(cells)
        return t

    def business_times(self, n: int) -> np.ndarray:
        return self._from_cells(self.rng.choice(len(self.biz_p), size=n, p=self.biz_p))

    def is_open(self, brand: np.ndarray, t: np.ndarray) -> np.ndarray:
        return self.open_mask[brand, self.clock.minute_of_week(t)]

    def reply_times(self, brand: np.ndarray, t: np.ndarray, scale: float = 1.0) -> np.ndarray:
        """When brand answers a tweet posted at t: mostly within opening hours, with a long tail.

        Closed at arrival: the tweet waits for the opening and the backlog. Open: a lognormal delay
        around the brand's median. A reply that would fall after closing waits for the next opening
        (unless an agent on call sends it). One reply in twenty takes hours to days.
        """
        rng = self.rng
        n = len(t)
        local = self.clock.to_local(t)
        wait = self.wait[brand, self.clock.minute_of_week(t)]
        closed = wait > 0
        start = np.where(closed, t - local % 60 + wait * 60, t)
        work = np.exp(np.log(self.resp_med[brand] * scale) + rng.normal(0, 1.0, n)) * 60
        backlog = np.exp(np.log(25.0) + rng.normal(0, 0.8, n)) * 60
        d = np.where(closed, backlog, work)
        tail = rng.random(n) < 0.05
        d = np.where(tail, d * np.exp(rng.uniform(1.0, 4.5, n)), d)
        cand = start + d.astype(np.int64)
        wait2 = self.wait[brand, self.clock.minute_of_week(cand)]
        push = (wait2 > 0) & (rng.random(n) >= 0.04)
        extra = (np.exp(np.log(15.0) + rng.normal(0, 0.8, n)) * 60).astype(np.int64)
        cand = np.where(push, cand - self.clock.to_local(cand) % 60 + wait2 * 60 + extra, cand)
        delta = np.clip(cand - t, 45, 30 * 86400)
        # Keep clear of the bucket edges, so "<= 30 min" cannot depend on how a report rounds.
        delta += np.isin(delta, _BUCKET_EDGES)
        return t + delta

    def customer_delay(self, t: np.ndarray, median_min: float) -> np.ndarray:
        d = np.exp(np.log(median_min) + self.rng.normal(0, 1.2, len(t))) * 60
        return t + np.clip(d.astype(np.int64), 20, 7 * 86400)

    # -- choices --------------------------------------------------------------------------------

    def customers(self, n: int) -> np.ndarray:
        """Customer account indices; a few people tweet a lot, most a little."""
        p = self.plan.customers
        return self.k + np.minimum((p * self.rng.random(n) ** 1.6).astype(np.int64), p - 1)

    def weighted_pick(self, weights: np.ndarray, size: int) -> np.ndarray:
        """Exactly ``size`` indices, drawn without replacement with the given weights
        (Efraimidis-Spirakis keys), returned sorted."""
        if size <= 0:
            return np.empty(0, dtype=np.int64)
        if size >= len(weights):
            return np.arange(len(weights))
        keys = np.log(self.rng.random(len(weights))) / weights
        return np.sort(np.argpartition(-keys, size - 1)[:size])

    def other_brand(self, b: np.ndarray, same_sector_share: float) -> np.ndarray:
        rng = self.rng
        n = len(b)
        other = rng.choice(self.k, size=n, p=self.vol)
        same = rng.random(n) < same_sector_share
        # A brand of the same sector: pick a random brand until the sector matches (vectorised).
        for _ in range(8):
            redo = same & (self.sector_idx[other] != self.sector_idx[b])
            if not redo.any():
                break
            other[redo] = rng.choice(self.k, size=int(redo.sum()), p=self.vol)
        clash = other == b
        other[clash] = (b[clash] + 1 + rng.integers(0, self.k - 1, int(clash.sum()))) % self.k
        return other

    def tpl(self, n: int, options: int) -> np.ndarray:
        return self.rng.integers(0, options, n)

    def agents(self, brand: np.ndarray) -> np.ndarray:
        n_agents = np.array([len(b.agents) for b in self.brands])
        return (self.rng.random(len(brand)) * n_agents[brand]).astype(np.int64)

    # -- the year -------------------------------------------------------------------------------

    def run(self) -> dict[str, np.ndarray]:
        plan, rng, b, k = self.plan, self.rng, self.b, self.k
        n_roots = plan.single + plan.double

        # Customer mentions. A share of the single mentions comes in bursts (outages, incidents).
        brand1 = rng.choice(k, size=n_roots, p=self.vol)
        t_root = self.mention_times(brand1)
        self._incidents(brand1, t_root, plan.single)
        is_double = np.zeros(n_roots, dtype=bool)
        is_double[rng.choice(n_roots, size=plan.double, replace=False)] = True
        brand2 = np.full(n_roots, -1)
        brand2[is_double] = self.other_brand(brand1[is_double], 0.6)
        author = self.customers(n_roots)
        tpl = np.where(is_double, self.tpl(n_roots, len(_C_TWO)),
                       (rng.random(n_roots) * np.array([len(_C_MENTION[s]) for s in SECTORS])[self.sector_idx[brand1]])
                       .astype(np.int64))
        deco = np.where(rng.random(n_roots) < 0.12, rng.integers(1, len(_EMOJI), n_roots), 0)
        root0 = b.add(C1, t_root, author, m1=brand1, m2=brand2, tpl=tpl, deco=deco)
        b.blocks["kind"][-1][is_double] = C2

        # Which customer mentions get answered: an exact number, weighted by brand and opening.
        w1 = self.answer_w[brand1] * np.where(self.is_open(brand1, t_root), 1.0, 0.45)
        w2 = np.where(is_double, self.answer_w[np.maximum(brand2, 0)] * np.where(
            self.is_open(np.maximum(brand2, 0), t_root), 1.0, 0.45), 0)
        answered = self.weighted_pick(np.maximum(w1, w2), plan.answered_roots)
        # Two brands mentioned: the first, the second or both answer.
        pattern = rng.choice(3, size=len(answered), p=[0.4, 0.3, 0.3])  # first, second, both
        dbl = is_double[answered]
        first_answers = ~dbl | (pattern != 1)
        second_answers = dbl & (pattern != 0)
        r_root = np.concatenate([answered[first_answers], answered[second_answers]])
        r_brand = np.concatenate([brand1[answered[first_answers]], brand2[answered[second_answers]]])
        order = np.argsort(r_root, kind="stable")
        r_root, r_brand = r_root[order], r_brand[order]
        r_t = self.reply_times(r_brand, t_root[r_root])
        # The answer matches the tweet's tone (complaint, question, praise); two brands: a question.
        tone_of = np.zeros((len(SECTORS), max(len(v) for v in _MENTION_TONE.values())), dtype=np.int64)
        for si, sname in enumerate(SECTORS):
            tone_of[si, :len(_MENTION_TONE[sname])] = _MENTION_TONE[sname]
        r_tone = np.where(is_double[r_root], 1, tone_of[self.sector_idx[brand1[r_root]], tpl[r_root]])
        n_answers = np.array([[len(v) for v in _ANSWERS[sname]] for sname in SECTORS])
        r_tpl = (rng.random(len(r_root)) * n_answers[self.sector_idx[r_brand], r_tone]).astype(np.int64)
        r0 = b.add(R, r_t, r_brand, parent=root0 + r_root, m1=author[r_root], aux=r_tone, tpl=r_tpl,
                   agent=self.agents(r_brand), deco=rng.random(len(r_root)) < 0.6)
        # Now and then a second reply to the same tweet, a few minutes later (never the first).
        extra = np.flatnonzero(rng.random(len(r_root)) < 0.03)
        b.add(RDUP, r_t[extra] + rng.integers(40, 600, len(extra)), r_brand[extra], parent=root0 + r_root[extra],
              m1=author[r_root[extra]], tpl=self.tpl(len(extra), len(_T_ANSWER_EXTRA)),
              agent=self.agents(r_brand[extra]))
        # ... or a brand continues its own answer in a thread ("(2/2)"): a reply to itself.
        cont = np.flatnonzero(rng.random(len(r_root)) < 0.01)
        b.add(RSELF, r_t[cont] + rng.integers(30, 180, len(cont)), r_brand[cont], parent=r0 + cont,
              m1=author[r_root[cont]], tpl=self.tpl(len(cont), len(_T_THREAD)), agent=self.agents(r_brand[cont]))

        # Follow-ups: the customer answers the brand's reply (@brand, so a mention), and again.
        f_idx = np.sort(rng.choice(len(r_root), size=plan.followups, replace=False))
        f_t = self.customer_delay(r_t[f_idx], 12.0)
        f_brand = r_brand[f_idx]
        f_author = author[r_root[f_idx]]
        f0 = b.add(F1, f_t, f_author, parent=r0 + f_idx, m1=f_brand, tpl=self.tpl(len(f_idx), len(_C_FOLLOWUP)))
        fa = self.weighted_pick(self.answer_w[f_brand] * np.where(self.is_open(f_brand, f_t), 1.0, 0.5),
                                plan.answered_followups)
        r2_t = self.reply_times(f_brand[fa], f_t[fa], 0.7)
        r20 = b.add(R, r2_t, f_brand[fa], parent=f0 + fa, m1=f_author[fa], aux=3,
                    tpl=self.tpl(len(fa), len(_T_ANSWER_FOLLOWUP)), agent=self.agents(f_brand[fa]),
                    deco=rng.random(len(fa)) < 0.3)
        g_idx = np.sort(rng.choice(len(fa), size=plan.followups2, replace=False))
        g_t = self.customer_delay(r2_t[g_idx], 20.0)
        g_brand = f_brand[fa][g_idx]
        g_author = f_author[fa][g_idx]
        g0 = b.add(F2, g_t, g_author, parent=r20 + g_idx, m1=g_brand, tpl=self.tpl(len(g_idx), len(_C_FOLLOWUP2)))
        ga = self.weighted_pick(self.answer_w[g_brand], plan.answered_followups2)
        b.add(R, self.reply_times(g_brand[ga], g_t[ga], 0.7), g_brand[ga], parent=g0 + ga, m1=g_author[ga], aux=3,
              tpl=self.tpl(len(ga), len(_T_ANSWER_FOLLOWUP)), agent=self.agents(g_brand[ga]),
              deco=rng.random(len(ga)) < 0.3)

        # Organisations mentioning each other; half of those get a reply, which mentions back.
        xa = rng.choice(k, size=plan.brand_to_brand, p=self.vol)
        xb = self.other_brand(xa, 0.3)
        x_t = self.business_times(plan.brand_to_brand)
        x0 = b.add(X, x_t, xa, m1=xb, tpl=self.tpl(len(xa), len(_C_B2B)), agent=self.agents(xa))
        xr = np.sort(rng.choice(plan.brand_to_brand, size=plan.brand_to_brand_answered, replace=False))
        b.add(XR, self.reply_times(xb[xr], x_t[xr], 3.0), xb[xr], parent=x0 + xr, m1=xa[xr],
              tpl=self.tpl(len(xr), len(_T_BRAND_TO_BRAND_REPLY)), agent=self.agents(xb[xr]))

        # Retweets of customer mentions; some tweets travel far, and brands retweet praise.
        pop = rng.lognormal(0, 1.5, n_roots)
        rt_of = rng.choice(n_roots, size=plan.retweets, p=pop / pop.sum())
        rt_author = self.customers(plan.retweets)
        rt_author = np.where(rt_author == author[rt_of], self.k + (rt_author - self.k + 1) % plan.customers, rt_author)
        root_tone = np.where(is_double, 1, tone_of[self.sector_idx[brand1], tpl])
        by_brand = (root_tone[rt_of] == 2) & (rng.random(plan.retweets) < 0.5)  # praise
        rt_author = np.where(by_brand, brand1[rt_of], rt_author)
        b.add(RT, self.customer_delay(t_root[rt_of], 40.0), rt_author, aux=root0 + rt_of)

        # Proactive replies: a brand answers a tweet about it that did not tag it.
        pb = rng.choice(k, size=plan.proactive, p=self.pro_w)
        pp_t = self.mention_times(pb)
        pp_author = self.customers(plan.proactive)
        pp0 = b.add(PP, pp_t, pp_author, aux=pb, tpl=self.tpl(plan.proactive, len(_T_PROACTIVE_PARENT)),
                    deco=rng.random(plan.proactive) < 0.1)
        b.add(P, self.reply_times(pb, pp_t, 2.0), pb, parent=pp0 + np.arange(plan.proactive), m1=pp_author,
              tpl=self.tpl(plan.proactive, len(_T_PROACTIVE)), agent=self.agents(pb), deco=rng.random(plan.proactive) < 0.5)

        # Replies to tweets that are gone (deleted before collection): the parent is not in the archive.
        mb = rng.choice(k, size=plan.parent_missing, p=self.vol)
        m_parent_t = self.mention_times(mb)
        m_t = self.reply_times(mb, m_parent_t)
        m_author = self.customers(plan.parent_missing)
        m_ext = ((m_parent_t * 1000 - TWITTER_EPOCH_MS) << 22) | self.low_bits(plan.parent_missing)
        b.add(MP, m_t, mb, ext=m_ext, m1=m_author, tpl=self.tpl(plan.parent_missing, len(_T_PARENT_MISSING)),
              agent=self.agents(mb))

        # Stream noise: deletes (of the gone tweets and of others never collected) and limit notices.
        n_tweets = b.n
        n_del = _round(n_tweets * 0.003)
        del_t = np.concatenate([m_t + rng.integers(60, 86400, len(m_t)),
                                self.mention_times(rng.choice(k, size=n_del, p=self.vol)) + 3600])
        del_ext = np.concatenate([m_ext, ((del_t[len(m_t):] - 3000) * 1000 - TWITTER_EPOCH_MS) << 22
                                  | self.low_bits(n_del)])
        del_author = np.concatenate([m_author, self.customers(n_del)])
        b.add(DEL, del_t, del_author, ext=del_ext)
        n_lim = max(1, _round(n_tweets * 0.0005))
        b.add(LIM, self.mention_times(rng.choice(k, size=n_lim, p=self.vol)), -1,
              ext=np.cumsum(rng.integers(1, 400, n_lim)))
        return b.arrays()

    def _incidents(self, brand: np.ndarray, t: np.ndarray, n_single: int) -> None:
        """Replace part of the single mentions by bursts: an outage draws many tweets in a few hours."""
        rng = self.rng
        rate = np.array([_SECTOR[s.sector][6] for s in self.brands])
        per_brand = rng.poisson(rate)
        inc_brand = np.repeat(np.arange(self.k), per_brand)
        if not len(inc_brand):
            return
        n_inc = min(_round(n_single * 0.05), len(brand))
        # A mention picked for a burst keeps nothing but its slot; brand and time are redrawn.
        slots = rng.choice(len(brand), size=n_inc, replace=False)
        which = rng.choice(len(inc_brand), size=n_inc, p=self._norm(self.vol[inc_brand] * rng.lognormal(0, 0.7, len(inc_brand))))
        day = rng.integers(0, _NDAYS - 1, len(inc_brand))
        hour = rng.choice(24, size=len(inc_brand), p=self._norm(_HOURS_BUSINESS + 0.3))
        start = _YEAR_NAIVE0 + day * 86400 + hour * 3600 + rng.integers(0, 3600, len(inc_brand))
        naive = start[which] + np.minimum(rng.exponential(2.5 * 3600, n_inc), 10 * 3600).astype(np.int64)
        brand[slots] = inc_brand[which]
        t[slots] = self.clock.to_utc(naive)

    @staticmethod
    def _norm(w: np.ndarray) -> np.ndarray:
        return w / w.sum()


# ---------------------------------------------------------------------------------------------
# Ids, order and the columns the writers need


def _finish(gen: _Gen, ev: dict[str, np.ndarray], fmt: str) -> dict[str, np.ndarray]:
    """Sort by time, give every tweet a snowflake id and derive parent/conversation columns."""
    rng = gen.rng
    n = len(ev["t"])
    low = gen.low_bits(n)
    # Ids carry the creation time in milliseconds; tweets are stamped on whole seconds (ms = 0),
    # so created_at and timestamp_ms agree whichever a reader takes.
    key = ((ev["t"] * 1000 - TWITTER_EPOCH_MS) << 22) | low
    order = np.argsort(key, kind="stable")
    key = key[order]
    while True:  # equal ids within one second: nudge the later one (rare, keeps the order)
        dup = np.flatnonzero(key[1:] <= key[:-1]) + 1
        if not len(dup):
            break
        key[dup] = key[dup - 1] + gen.shards  # stays in the shard's residue class
    out = {c: v[order] for c, v in ev.items()}
    inv = np.empty(n, dtype=np.int64)
    inv[order] = np.arange(n)
    kind = out["kind"]
    noise = kind >= DEL
    out["tid"] = np.where(noise, 0, key)
    has_parent = out["parent"] >= 0
    out["parent"] = np.where(has_parent, inv[np.maximum(out["parent"], 0)], -1)
    is_rt = kind == RT
    out["aux"] = np.where(is_rt, inv[np.maximum(out["aux"], 0)], out["aux"])
    # The gone parents and deleted tweets must not share an id with a collected tweet.
    tids = np.sort(out["tid"][~noise])
    ext = out["ext"]
    gone = (kind == MP) | (kind == DEL)
    while True:
        clash = gone & _member(ext, tids)
        if not clash.any():
            break
        ext[clash] += gen.shards
    # (A gone parent and its delete notice share an id, so both are nudged alike.)

    parent = out["parent"]
    tid = out["tid"]
    out["ptid"] = np.where(has_parent, tid[np.maximum(parent, 0)], np.where(kind == MP, ext, 0))
    out["pauthor"] = np.where(has_parent, out["author"][np.maximum(parent, 0)], np.where(kind == MP, out["m1"], -1))
    root = np.arange(n)
    for _ in range(12):
        up = parent[root]
        if not (up >= 0).any():
            break
        root = np.where(up >= 0, up, root)
    out["conv"] = np.where(kind == MP, ext, tid[root])
    # Replies and retweets received (public metrics), and a client per tweet.
    out["n_replies"] = np.bincount(parent[has_parent], minlength=n)
    out["n_retweets"] = np.bincount(out["aux"][is_rt], minlength=n)
    is_brand = (out["author"] >= 0) & (out["author"] < gen.k)
    src_c = rng.choice(len(_SOURCES_CUSTOMER), size=n, p=[0.42, 0.38, 0.1, 0.05, 0.05])
    out["src"] = np.where(is_brand, out["author"] % len(_SOURCES_BRAND), src_c).astype(np.int8)
    # twcs ids: sequential in time order like the Kaggle set, with gaps where a tweet is gone.
    if fmt == "twcs":
        in_csv = ~noise & ~is_rt
        gone_t = (ext[kind == MP] >> 22) + TWITTER_EPOCH_MS
        times = np.concatenate([out["t"][in_csv] * 1000, gone_t])
        rank = np.empty(len(times), dtype=np.int64)
        rank[np.argsort(times, kind="stable")] = np.arange(len(times))
        twcs_id = np.zeros(n, dtype=np.int64)
        twcs_id[in_csv] = rank[: int(in_csv.sum())] + 1
        out["twcs_id"] = twcs_id
        gone_id = np.zeros(n, dtype=np.int64)
        gone_id[kind == MP] = rank[int(in_csv.sum()):] + 1
        out["twcs_pid"] = np.where(has_parent, twcs_id[np.maximum(parent, 0)], gone_id)
    return out


# ---------------------------------------------------------------------------------------------
# truth.json: the section 3 definitions applied to what was generated


def _r3(x):
    """Floats as the JSON report writes them (3 decimals); None stays None."""
    return None if x is None else round(float(x), 3)


def _pct(a, b):
    return _r3(100.0 * a / b) if b else None


def _median(x: np.ndarray):
    return _r3(np.median(x)) if len(x) else None


def _p90(x: np.ndarray):
    return _r3(np.percentile(x, 90)) if len(x) else None  # linear, like DuckDB's quantile_cont


def _generator_info() -> dict:
    """What the bytes depend on besides the options: numpy's random streams and isal's deflate."""
    from importlib.metadata import PackageNotFoundError, version

    from . import __version__

    info = {"name": "kwo sample", "kwo": __version__, "numpy": np.__version__}
    try:
        info["isal"] = version("isal")
    except PackageNotFoundError:  # pragma: no cover
        info["isal"] = None
    return info


def _truth(world: _World, clock: _Clock, open_mask: np.ndarray) -> dict:
    """The figures of DESIGN.md section 3, counted on the generated tweets (not by kwo's queries),
    in the layout of ``kwo report --format json``; checked against the plan."""
    resp = _RespExact()
    figs = _count_figures(world, clock, open_mask, resp)
    return _truth_json(figs, resp, world.brands, world.seed, world.plan.tweets, world.fmt)


class _RespExact:
    """Response times of the answered pairs, kept whole: medians and p90s straight from numpy."""

    def add(self, minutes: np.ndarray, seconds: np.ndarray, hour: np.ndarray, brand: np.ndarray,
            sector: np.ndarray) -> None:
        self.minutes, self.hour, self.brand, self.sector = minutes, hour, brand, sector

    def stats(self, group: str, i: int = 0) -> tuple:
        m = self.minutes
        if group != "total":
            m = m[{"hour": self.hour, "brand": self.brand, "sector": self.sector}[group] == i]
        return _median(m), _p90(m)

    def mean(self):
        return _r3(self.minutes.mean()) if len(self.minutes) else None


# Figures that add up over the shards of a large archive (kwo.sample_parquet).
_ADDITIVE = ("n_mentions", "n_answered", "per_hour", "ans_hour", "closed_hour", "pairs_hour", "wh_m", "wh_a",
             "buckets", "n_pairs", "n_ans_pairs", "per_brand", "ans_brand", "closed_brand", "brand_replies",
             "replies_to_mentions", "proactive_replies", "replies_parent_missing", "replies_to_self",
             "sector_mentions", "sector_answered", "sector_pairs", "sector_ans_pairs", "sector_proactive",
             "sector_missing", "kinds")


def add_figures(a: dict | None, b: dict) -> dict:
    """The figures of two disjoint sets of tweets together (every count in them is additive)."""
    return dict(b) if a is None else {key: a[key] + b[key] for key in _ADDITIVE}


def _count_figures(world: _World, clock: _Clock, open_mask: np.ndarray, resp) -> dict:
    """Count the section 3 figures of one world; the response times go to ``resp``."""
    ev, k, plan = world.ev, len(world.brands), world.plan
    kind, t, author, parent, m1, m2 = (ev[c] for c in ("kind", "t", "author", "parent", "m1", "m2"))
    sector_of = np.array([SECTORS.index(b.sector) for b in world.brands])
    tweet = kind < DEL  # everything but stream notices, all collected

    # Mention pairs: collected, not a retweet, mentions brand b, not by b.
    candidates = tweet & (kind != RT)
    pt_parts, pb_parts = [], []
    for m in (m1, m2):
        idx = np.flatnonzero(candidates & (m >= 0) & (m < k) & (m != author))
        pt_parts.append(idx)
        pb_parts.append(m[idx].astype(np.int64))
    pair_key = _uniq(np.concatenate(pt_parts) * k + np.concatenate(pb_parts))
    pt, pb = pair_key // k, pair_key % k

    # Earliest direct reply of each brand to each tweet.
    rep = tweet & (author >= 0) & (author < k) & (parent >= 0)
    rkey = parent[rep] * k + author[rep]
    rtime = t[rep]
    o = np.lexsort((rtime, rkey))
    rkey, rtime = rkey[o], rtime[o]
    first = _starts(rkey)
    ukey, first_t = rkey[first], rtime[first]
    found = _member(pair_key, ukey)
    pos = np.minimum(np.searchsorted(ukey, pair_key), max(len(ukey) - 1, 0))
    seconds = (first_t[pos] - t[pt])[found] if len(ukey) else np.zeros(0, dtype=np.int64)
    ans_min = seconds * 1000 / 60000.0

    # Mention tweets (pairs are sorted by tweet): answered when any pair is.
    tstart = np.flatnonzero(_starts(pt))
    mt = pt[tstart]
    mt_answered = np.maximum.reduceat(found.astype(np.int8), tstart).astype(bool) if len(pt) else found
    local = clock.to_local(t[mt])
    mt_hour = (local // 3600) % 24
    mt_wday = (local // 86400 + 3) % 7  # Monday = 0
    pair_hour = np.repeat(mt_hour, np.diff(np.append(tstart, len(pt))))
    closed = ~open_mask[pb, clock.minute_of_week(t[pt])]

    # Brand replies by what their parent is.
    ridx = np.flatnonzero(tweet & (author >= 0) & (author < k) & ((parent >= 0) | (kind == MP)))
    rb = author[ridx]
    par = parent[ridx]
    missing = par < 0
    p_ok = np.maximum(par, 0)
    to_self = ~missing & (author[p_ok] == rb)
    to_mention = ~missing & ~to_self & ((m1[p_ok] == rb) | (m2[p_ok] == rb))
    proactive = ~missing & ~to_self & ~to_mention

    n_mentions, n_answered = len(mt), int(mt_answered.sum())
    expected = {"mention tweets": (n_mentions, plan.mention_tweets), "answered": (n_answered, plan.answered),
                "proactive replies": (int(proactive.sum()), plan.proactive),
                "replies_parent_missing": (int(missing.sum()), plan.parent_missing)}
    for what, (got, want) in expected.items():
        if got != want:  # pragma: no cover - a broken construction, never a user error
            raise KwoError(f"kwo sample: internal error: generated {got:,} {what}, planned {want:,}")

    resp.add(ans_min, seconds, pair_hour[found], pb[found], sector_of[pb[found]])
    cell = mt_wday * 24 + mt_hour
    n_s = len(SECTORS)
    pair_sector = sector_of[pb]
    # A mention tweet counts once in a sector however many of its brands are in it.
    ts_key = _uniq(pt * n_s + pair_sector)
    ts_ans = _uniq(pt[found] * n_s + pair_sector[found])
    rs = sector_of[rb]
    return {
        "n_mentions": n_mentions, "n_answered": n_answered,
        "per_hour": np.bincount(mt_hour, minlength=24), "ans_hour": np.bincount(mt_hour[mt_answered], minlength=24),
        "closed_hour": np.bincount(pair_hour[closed], minlength=24), "pairs_hour": np.bincount(pair_hour, minlength=24),
        "wh_m": np.bincount(cell, minlength=168), "wh_a": np.bincount(cell[mt_answered], minlength=168),
        "buckets": np.bincount(np.searchsorted(_BUCKET_EDGES / 60.0, ans_min, side="left"), minlength=7),
        "n_pairs": len(pair_key), "n_ans_pairs": int(found.sum()),
        "per_brand": np.bincount(pb, minlength=k), "ans_brand": np.bincount(pb[found], minlength=k),
        "closed_brand": np.bincount(pb[closed], minlength=k),
        "brand_replies": np.bincount(rb, minlength=k), "replies_to_mentions": np.bincount(rb[to_mention], minlength=k),
        "proactive_replies": np.bincount(rb[proactive], minlength=k),
        "replies_parent_missing": np.bincount(rb[missing], minlength=k),
        "replies_to_self": np.bincount(rb[to_self], minlength=k),
        "sector_mentions": np.bincount(ts_key % n_s, minlength=n_s),
        "sector_answered": np.bincount(ts_ans % n_s, minlength=n_s),
        "sector_pairs": np.bincount(pair_sector, minlength=n_s),
        "sector_ans_pairs": np.bincount(pair_sector[found], minlength=n_s),
        "sector_proactive": np.bincount(rs[proactive], minlength=n_s),
        "sector_missing": np.bincount(rs[missing], minlength=n_s),
        "kinds": np.bincount(kind, minlength=len(KIND_NAMES)),
    }


def _truth_json(figs: dict, resp, brand_list: list[SampleBrand], seed: int, tweets: int, fmt: str) -> dict:
    """truth.json from counted figures (one world's, or the sum over the shards of a large one)."""
    k = len(brand_list)
    sector_of = np.array([SECTORS.index(b.sector) for b in brand_list])
    n_mentions, n_answered = figs["n_mentions"], figs["n_answered"]
    per_hour, ans_hour = figs["per_hour"], figs["ans_hour"]
    peak = int(np.argmax(per_hour))  # the earlier hour on a tie
    hourly = []
    for h in range(24):
        med, p90 = resp.stats("hour", h)
        closed_h, pairs_h = figs["closed_hour"][h], figs["pairs_hour"][h]
        hourly.append({
            "hour": h, "mentions": int(per_hour[h]), "answered": int(ans_hour[h]),
            "answered_pct": _pct(ans_hour[h], per_hour[h]),
            "median_response_minutes": med, "p90_response_minutes": p90,
            "mentions_while_closed": int(closed_h), "closed_pct": _pct(closed_h, pairs_h),
        })
    wh_m, wh_a = figs["wh_m"], figs["wh_a"]
    weekday_hourly = [{"weekday": c // 24 + 1, "hour": c % 24, "mentions": int(wh_m[c]), "answered": int(wh_a[c])}
                      for c in range(168)]

    n_pairs, n_ans_pairs = figs["n_pairs"], figs["n_ans_pairs"]
    counts = [*figs["buckets"][:7].tolist(), n_pairs - n_ans_pairs]
    response_times = [{"bucket": name, "count": int(c), "pct": _pct(c, n_pairs),
                       "answered_pct": _pct(c, n_ans_pairs) if name != "unanswered" else None}
                      for name, c in zip(BUCKETS, counts, strict=True)]

    per_brand, ans_brand, closed_brand = figs["per_brand"], figs["ans_brand"], figs["closed_brand"]
    reply_names = ("brand_replies", "replies_to_mentions", "proactive_replies", "replies_parent_missing",
                   "replies_to_self")
    brands = []
    for i, br in enumerate(brand_list):
        med, p90 = resp.stats("brand", i)
        row = {"handle": br.handle.lower(), "name": br.name, "sector": br.sector,
               "mentions": int(per_brand[i]), "answered": int(ans_brand[i]),
               "answered_pct": _pct(ans_brand[i], per_brand[i]),
               "median_response_minutes": med, "p90_response_minutes": p90}
        row.update({name: int(figs[name][i]) for name in reply_names})
        row.update({"hours": br.hours, "tz": br.tz, "mentions_while_closed": int(closed_brand[i]),
                    "closed_pct": _pct(closed_brand[i], per_brand[i])})
        brands.append(row)
    brands.sort(key=lambda r: (-r["mentions"], r["handle"]))

    sectors = []
    for si, sname in enumerate(SECTORS):
        if not (sector_of == si).any():
            continue
        sm, sa = int(figs["sector_mentions"][si]), int(figs["sector_answered"][si])
        sectors.append({
            "sector": sname, "brands": int((sector_of == si).sum()),
            "mention_tweets": sm, "answered": sa, "answered_pct": _pct(sa, sm),
            "mention_pairs": int(figs["sector_pairs"][si]), "answered_pairs": int(figs["sector_ans_pairs"][si]),
            "median_response_minutes": resp.stats("sector", si)[0],
            "proactive_replies": int(figs["sector_proactive"][si]),
            "replies_parent_missing": int(figs["sector_missing"][si]),
        })
    sectors.sort(key=lambda r: (-r["mention_tweets"], r["sector"]))

    kinds = {name: int(c) for name, c in zip(KIND_NAMES, figs["kinds"], strict=True)}
    med, p90 = resp.stats("total")
    return {
        "generator": _generator_info(),
        "parameters": {"seed": seed, "tweets": tweets, "format": fmt, "brands": k,
                       "year": YEAR, "tz": TZ_NAME, "mode": "direct", "window": None},
        "totals": {
            "mention_tweets": n_mentions, "mention_pairs": n_pairs, "answered": n_answered,
            "answered_pct": _pct(n_answered, n_mentions), "answered_pairs": n_ans_pairs,
            "brands_mentioned": int((per_brand > 0).sum()),
            "brand_replies": int(figs["brand_replies"].sum()),
            "replies_to_mentions": int(figs["replies_to_mentions"].sum()),
            "proactive_replies": int(figs["proactive_replies"].sum()),
            "replies_parent_missing": int(figs["replies_parent_missing"].sum()),
            "replies_to_self": int(figs["replies_to_self"].sum()),
            "peak_hour": peak, "peak_hour_mentions": int(per_hour[peak]),
            "median_response_minutes": med, "p90_response_minutes": p90,
            "mean_response_minutes": resp.mean(),
        },
        "hourly": hourly,
        "weekday_hourly": weekday_hourly,
        "response_times": response_times,
        "brands": brands,
        "sectors": sectors,
        "kinds": kinds,
        "kwo16": {"mention_tweets": KWO16_MENTION_TWEETS, "answered_pct": KWO16_ANSWERED_PCT,
                  "proactive_replies": KWO16_PROACTIVE, "peak_hour": KWO16_PEAK_HOUR,
                  "closed_from_17_pct": 30},
        "roster": {"brands": k, "closing_at_17": sum(b.closes_at_17 for b in brand_list)},
    }


# ---------------------------------------------------------------------------------------------
# Writers. They run in worker processes (fork) over row ranges of the module-level world.

_WORLD: _World | None = None
_HMS = [f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)]
_V1_HMS = [f" {x} +0000 " for x in _HMS]
_ISO_HMS = [f"T{x}.000Z" for x in _HMS]
_DAY0 = int(datetime(2007, 1, 1, tzinfo=UTC).timestamp()) // 86400  # first cached date
_V1_DAYS: list[str] = []
_V1_YEARS: list[str] = []
_ISO_DAYS: list[str] = []
for _d in range(_DAY0, _DAY0 + 12 * 366):
    _dt = datetime(1970, 1, 1) + timedelta(days=_d)
    _V1_DAYS.append(f"{_WEEKDAY_ABBR[_dt.weekday()]} {_MONTH_ABBR[_dt.month - 1]} {_dt.day:02d}")
    _V1_YEARS.append(str(_dt.year))
    _ISO_DAYS.append(f"{_dt.year}-{_dt.month:02d}-{_dt.day:02d}")


def _v1_date(t: int) -> str:
    """Epoch seconds -> ``Wed Oct 10 20:19:24 +0000 2018`` (accounts from 2008 to tweets in 2017)."""
    day, sec = divmod(t, 86400)
    day -= _DAY0
    if not 0 <= day < len(_V1_DAYS):
        return datetime.fromtimestamp(t, UTC).strftime("%a %b %d %H:%M:%S +0000 %Y")
    return _V1_DAYS[day] + _V1_HMS[sec] + _V1_YEARS[day]


def _iso_date(t: int) -> str:
    day, sec = divmod(t, 86400)
    day -= _DAY0
    if not 0 <= day < len(_ISO_DAYS):
        return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return _ISO_DAYS[day] + _ISO_HMS[sec]


class _Sink:
    """A file written under a temporary name, gzip-compressed (isal) when asked, renamed at close."""

    def __init__(self, path: Path, compress: bool, level: int = GZIP_LEVEL):
        self.path = path
        self.tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        self.f = open(self.tmp, "wb")
        self.z = None
        if compress:
            from isal import isal_zlib

            # wbits 31: a gzip member with mtime 0 and no file name, so the bytes depend on the data only.
            self.z = isal_zlib.compressobj(level, isal_zlib.DEFLATED, 31)
        self.raw_bytes = 0
        self.buf: list[str] = []

    def add(self, line: str) -> None:
        self.buf.append(line)
        if len(self.buf) >= 4096:
            self.flush()

    def flush(self) -> None:
        if not self.buf:
            return
        data = b"".join([line.encode("utf-8") for line in self.buf])
        self.buf = []
        self.raw_bytes += len(data)
        self.f.write(self.z.compress(data) if self.z else data)

    def close(self) -> int:
        self.flush()
        if self.z:
            self.f.write(self.z.flush())
        self.f.close()
        os.replace(self.tmp, self.path)
        return self.path.stat().st_size


# Row tuples: the writers read each job's rows as Python values (numpy scalar access is slow).
_ROW_COLS = ("kind", "t", "tid", "author", "m1", "m2", "aux", "tpl", "agent", "deco", "src", "ptid", "pauthor",
             "n_replies", "n_retweets", "ext", "parent", "conv")


class _Rows:
    def __init__(self, world: _World, start: int, end: int):
        ev = world.ev
        self.ev = ev
        self.start, self.end = start, end
        self.rows = list(zip(*(ev[c][start:end].tolist() for c in _ROW_COLS), strict=True))

    def __call__(self, i: int) -> tuple:
        if self.start <= i < self.end:
            return self.rows[i - self.start]
        return tuple(self.ev[c][i].item() for c in _ROW_COLS)


class _Texts:
    """Renders tweet texts with their mention and hashtag offsets (code points, end exclusive)."""

    def __init__(self, world: _World, handles: list[str], rows: _Rows):
        self.w = world
        self.rows = rows
        self.handles = handles
        self.k = len(world.brands)
        self.sector = [b.sector for b in world.brands]
        self.agents = [b.agents for b in world.brands]
        self.names = [b.name for b in world.brands]
        self.first_names = world.acc.first_names
        self.answers = [_ANSWERS[s] for s in self.sector]
        self.mention_tpl = [_C_MENTION[s] for s in self.sector]
        self.cache: dict[int, tuple] = {}
        self.bodies: dict[tuple, tuple[str, str]] = {}
        self.mentions: dict[tuple, tuple] = {}

    def render(self, i: int, row: tuple) -> tuple[str, list[tuple[int, int, int]], list[tuple[str, int, int]]]:
        kind, _, _, author, m1, m2, aux, tpl, agent, deco = row[:10]
        handles = self.handles
        if R <= kind <= RSELF and kind != RT and kind != PP:
            # A brand's reply: "@customer [Hoi Name, ]body ^SIG". Bodies repeat: cache them.
            key = (kind, aux, author, tpl, agent)
            bodies = self.bodies.get(key)
            if bodies is None:
                if kind == R:
                    body = self.answers[author][aux][tpl]
                elif kind == RDUP:
                    body = _T_ANSWER_EXTRA[tpl]
                elif kind == P:
                    body = _T_PROACTIVE[tpl]
                elif kind == RSELF:
                    body = _T_THREAD[tpl]
                else:
                    body = _T_PARENT_MISSING[tpl]
                sig = self.agents[author][agent]
                bodies = self.bodies[key] = (f"{body} {sig}", f"{body[0].upper()}{body[1:]} {sig}")
            first = self.first_names[m1]
            h = handles[m1]
            text = f"@{h} Hoi {first}, {bodies[0]}" if deco and first else f"@{h} {bodies[1]}"
            return text, [(m1, 0, len(h) + 1)], []
        if kind <= X or kind == F1 or kind == F2:
            # Customer mentions (and brands mentioning brands): a few thousand distinct texts.
            key = (kind, tpl, m1, m2, deco, author, agent) if kind == X else (kind, tpl, m1, m2, deco)
            hit = self.mentions.get(key)
            if hit is None:
                hit = self.mentions[key] = self._mention_text(kind, author, m1, m2, tpl, agent, deco)
            return hit
        ments: list[tuple[int, int, int]] = []
        tags: list[tuple[str, int, int]] = []
        if kind == XR:
            body = _T_BRAND_TO_BRAND_REPLY[tpl]
            h = handles[m1]
            return (f"@{h} {body[0].upper()}{body[1:]} {self.agents[author][agent]}", [(m1, 0, len(h) + 1)], tags)
        if kind == RT:
            hit = self.cache.get(aux)
            orow = self.rows(aux)
            if hit is None:
                hit = self.render(aux, orow)
                self.cache[aux] = hit
            otext, oments, _ = hit
            oauthor = orow[3]
            prefix = "RT @" + handles[oauthor] + ": "
            text = prefix + otext
            ments.append((oauthor, 3, len(prefix) - 2))
            off = len(prefix)
            if len(text) > 140:
                text = text[:139] + "…"
            ments.extend((a, s + off, e + off) for a, s, e in oments if e + off <= 139)
            return text, ments, tags
        if kind == PP:
            name = self.names[aux]
            tag = name.replace(" ", "")
            text = _T_PROACTIVE_PARENT[tpl].format(name=name, tag=tag)
            if "#" in text:
                s = text.index("#")
                tags.append((tag, s, s + 1 + len(tag)))
            if deco:
                text += _EMOJI[1 + tpl % (len(_EMOJI) - 1)]
            return text, ments, tags
        raise AssertionError(f"no text for kind {kind}")  # pragma: no cover

    def _mention_text(self, kind, author, m1, m2, tpl, agent, deco):
        ments: list[tuple[int, int, int]] = []
        handles = self.handles
        if kind == C1:
            parts = self.mention_tpl[m1][tpl]
        elif kind == C2:
            parts = _C_TWO[tpl]
        elif kind == F1:
            parts = _C_FOLLOWUP[tpl]
        elif kind == F2:
            parts = _C_FOLLOWUP2[tpl]
        else:
            parts = _C_B2B[tpl]
        slots = (m1, m2)
        text = ""
        for j, part in enumerate(parts):
            if j % 2:
                acct = slots[part]
                h = "@" + handles[acct]
                ments.append((acct, len(text), len(text) + len(h)))
                text += h
            else:
                text += part
        if kind == X:
            text += " " + self.agents[author][agent]
        elif deco:
            text += _EMOJI[deco]
        return text, ments, []


def _sources_json() -> tuple[list[str], list[str], list[str], list[str]]:
    cust = [json.dumps(f'<a href="{u}" rel="nofollow">{n}</a>') for u, n in _SOURCES_CUSTOMER]
    brand = [json.dumps(f'<a href="{u}" rel="nofollow">{n}</a>') for u, n in _SOURCES_BRAND]
    return cust, brand, [n for _, n in _SOURCES_CUSTOMER], [n for _, n in _SOURCES_BRAND]


class _Accts:
    """Per-format account fields and cached user objects."""

    def __init__(self, world: _World, fmt: str):
        acc = world.acc
        self.k = len(world.brands)
        self.acc = acc
        self.world = world
        if fmt == "twcs":  # anonymised customers: numeric ids, also used as their @handle
            anon = [str(100_000 + i) for i in range(len(acc.ids) - self.k)]
            self.ids = [b.handle for b in world.brands] + anon
            self.handles = [b.handle for b in world.brands] + anon
        else:
            self.ids, self.handles = acc.ids, acc.handles
        self.names = acc.names
        self.followers = acc.followers.tolist()
        self.friends = acc.friends.tolist()
        self.statuses = acc.statuses.tolist()
        self.created = acc.created.tolist()
        self.city = acc.city.tolist()
        self._v1: dict[int, str] = {}
        self._v1m: dict[int, str] = {}
        self._v2: dict[int, str] = {}

    def bio(self, a: int) -> str:
        if a < self.k:
            b = self.world.brands[a]
            return f"Webcare van {b.name}. Open: {b.hours}. Wij helpen je graag!"
        return _BIOS[self.acc.bio[a]]

    def v1(self, a: int) -> str:
        s = self._v1.get(a)
        if s is None:
            uid = self.ids[a]
            followers, statuses = self.followers[a], self.statuses[a]
            s = (f'{{"id":{uid},"id_str":"{uid}","name":"{self.names[a]}","screen_name":"{self.handles[a]}",'
                 f'"location":"{_CITIES[self.city[a]]}","url":null,"description":"{self.bio(a)}",'
                 f'"protected":false,"verified":{"true" if a < self.k else "false"},'
                 f'"followers_count":{followers},"friends_count":{self.friends[a]},'
                 f'"listed_count":{followers // 200},"favourites_count":{statuses // 3},'
                 f'"statuses_count":{statuses},"created_at":"{_v1_date(self.created[a])}",'
                 f'"utc_offset":3600,"time_zone":"Amsterdam","geo_enabled":false,"lang":"nl",'
                 f'"profile_image_url_https":"https://pbs.twimg.com/profile_images/{100_000_000 + a}/avatar_normal.jpg",'
                 f'"default_profile":true,"following":null,"follow_request_sent":null,"notifications":null}}')
            self._v1[a] = s
        return s

    def v1_mention(self, a: int) -> str:
        """A user_mentions entry up to its indices: ``{"screen_name":..,"indices":[``."""
        s = self._v1m.get(a)
        if s is None:
            uid = self.ids[a]
            s = f'{{"screen_name":"{self.handles[a]}","name":"{self.names[a]}","id":{uid},"id_str":"{uid}","indices":['
            self._v1m[a] = s
        return s

    def v2(self, a: int) -> str:
        s = self._v2.get(a)
        if s is None:
            uid = self.ids[a]
            followers = self.followers[a]
            s = (f'{{"id":"{uid}","name":"{self.names[a]}","username":"{self.handles[a]}",'
                 f'"created_at":"{_iso_date(self.created[a])}","description":"{self.bio(a)}",'
                 f'"location":"{_CITIES[self.city[a]]}","protected":false,'
                 f'"verified":{"true" if a < self.k else "false"},"public_metrics":{{"followers_count":{followers},'
                 f'"following_count":{self.friends[a]},"tweet_count":{self.statuses[a]},'
                 f'"listed_count":{followers // 200}}},"profile_image_url":"https://pbs.twimg.com/profile_images/'
                 f'{100_000_000 + a}/avatar_normal.jpg","url":""}}')
            self._v2[a] = s
        return s


_ACCTS: dict[str, _Accts] = {}


def _accts(world: _World, fmt: str) -> _Accts:
    """One account table per process and format: a worker writing several months reuses the
    user objects it has built (customers come back month after month)."""
    a = _ACCTS.get(fmt)
    if a is None or a.world is not world:
        a = _ACCTS[fmt] = _Accts(world, fmt)
    return a


def _likes(tid: int) -> int:
    return ((tid * 2654435761) >> 17) % 4


class _V1Writer:
    def __init__(self, world: _World, rows: _Rows):
        self.rows = rows
        self.accts = _accts(world, "v1")
        self.texts = _Texts(world, self.accts.handles, rows)
        src_c, src_b, _, _ = _sources_json()
        self.k = len(world.brands)
        self.src_c, self.src_b = src_c, src_b

    def tweet(self, i: int, row: tuple, embedded: str = "") -> str:
        a = self.accts
        _, t, tid, author, _, _, _, _, _, _, src, ptid, pauthor, n_rep, n_rt = row[:15]
        text, ments, tags = self.texts.render(i, row)
        if ptid:
            pid = a.ids[pauthor]
            reply = (f'"in_reply_to_status_id":{ptid},"in_reply_to_status_id_str":"{ptid}",'
                     f'"in_reply_to_user_id":{pid},"in_reply_to_user_id_str":"{pid}",'
                     f'"in_reply_to_screen_name":"{a.handles[pauthor]}"')
        else:
            reply = _V1_NO_REPLY
        mention = a.v1_mention
        mj = ",".join([f"{mention(m)}{s},{e}]}}" for m, s, e in ments])
        hj = ",".join([f'{{"text":"{g}","indices":[{s},{e}]}}' for g, s, e in tags]) if tags else ""
        source = self.src_b[src] if author < self.k else self.src_c[src]
        return (f'{{"created_at":"{_v1_date(t)}","id":{tid},"id_str":"{tid}","text":"{text}","source":{source},'
                f'"truncated":false,{reply},"user":{a.v1(author)},"geo":null,"coordinates":null,"place":null,'
                f'"contributors":null,{embedded}"is_quote_status":false,"quote_count":0,"reply_count":{n_rep},'
                f'"retweet_count":{n_rt},"favorite_count":{_likes(tid)},"entities":{{"hashtags":[{hj}],"urls":[],'
                f'"user_mentions":[{mj}],"symbols":[]}},"favorited":false,"retweeted":false,"filter_level":"low",'
                f'"lang":"nl","timestamp_ms":"{t}000"}}')

    def line(self, i: int, row: tuple) -> str:
        kind = row[0]
        if kind == DEL:
            d, u = row[15], self.accts.ids[row[3]]
            return (f'{{"delete":{{"status":{{"id":{d},"id_str":"{d}","user_id":{u},"user_id_str":"{u}"}},'
                    f'"timestamp_ms":"{row[1]}000"}}}}\n')
        if kind == LIM:
            return f'{{"limit":{{"track":{row[15]},"timestamp_ms":"{row[1]}000"}}}}\n'
        if kind == RT:
            orig = row[6]
            return self.tweet(i, row, '"retweeted_status":' + self.tweet(orig, self.rows(orig)) + ",") + "\n"
        return self.tweet(i, row) + "\n"


_V1_NO_REPLY = ('"in_reply_to_status_id":null,"in_reply_to_status_id_str":null,"in_reply_to_user_id":null,'
                '"in_reply_to_user_id_str":null,"in_reply_to_screen_name":null')


class _V2Writer:
    """twarc2 search pages: data (newest first), includes.users/tweets, meta, __twarc."""

    PAGE = 100

    def __init__(self, world: _World, rows: _Rows):
        self.rows = rows
        self.accts = _accts(world, "v2")
        self.texts = _Texts(world, self.accts.handles, rows)
        _, _, self.src_c, self.src_b = _sources_json()
        self.k = len(world.brands)

    def tweet(self, i: int, row: tuple, users: dict) -> str:
        a = self.accts
        kind, t, tid, author, _, _, aux, _, _, _, src, ptid, pauthor, n_rep, n_rt, _, _, conv = row
        text, ments, tags = self.texts.render(i, row)
        users[author] = None
        parts = [f'{{"id":"{tid}","text":"{text}","author_id":"{a.ids[author]}","created_at":"{_iso_date(t)}",'
                 f'"conversation_id":"{conv}","lang":"nl",'
                 f'"source":"{self.src_b[src] if author < self.k else self.src_c[src]}","reply_settings":"everyone",'
                 f'"possibly_sensitive":false,"public_metrics":{{"retweet_count":{n_rt},'
                 f'"reply_count":{n_rep},"like_count":{_likes(tid)},"quote_count":0}}']
        if ments or tags:
            ent = []
            if ments:
                for m, _, _ in ments:
                    users[m] = None
                ent.append('"mentions":[' + ",".join(
                    [f'{{"start":{s},"end":{e},"username":"{a.handles[m]}","id":"{a.ids[m]}"}}' for m, s, e in ments])
                    + "]")
            if tags:
                ent.append('"hashtags":[' + ",".join([f'{{"start":{s},"end":{e},"tag":"{g}"}}' for g, s, e in tags])
                           + "]")
            parts.append(',"entities":{' + ",".join(ent) + "}")
        if ptid:
            users[pauthor] = None
            parts.append(f',"in_reply_to_user_id":"{a.ids[pauthor]}","referenced_tweets":'
                         f'[{{"type":"replied_to","id":"{ptid}"}}]')
        elif kind == RT:
            parts.append(f',"referenced_tweets":[{{"type":"retweeted","id":"{self.rows(aux)[2]}"}}]')
        parts.append("}")
        return "".join(parts)

    def page(self, idx: list[int], token: str | None, retrieved: str) -> str:
        users: dict[int, None] = {}
        rows = [self.rows(i) for i in idx]
        data = [self.tweet(i, row, users) for i, row in zip(idx, rows, strict=True)]
        # Referenced tweets that are in the archive come along as includes.tweets (context copies).
        refs: dict[int, None] = {}
        for row in rows:
            if row[16] >= 0:
                refs[row[16]] = None
            if row[0] == RT:
                refs[row[6]] = None
        included = [self.tweet(p, self.rows(p), users) for p in refs]
        ids = [row[2] for row in rows]
        meta = f'"newest_id":"{max(ids)}","oldest_id":"{min(ids)}","result_count":{len(rows)}'
        if token:
            meta += f',"next_token":"{token}"'
        inc = '"users":[' + ",".join([self.accts.v2(u) for u in users]) + "]"
        if included:
            inc += ',"tweets":[' + ",".join(included) + "]"
        return (f'{{"data":[{",".join(data)}],"includes":{{{inc}}},"meta":{{{meta}}},"__twarc":{{"url":'
                f'"{_TWARC_URL}","version":"2.8.2","retrieved_at":"{retrieved}"}}}}\n')


_TWARC_URL = ("https://api.twitter.com/2/tweets/search/all?query=%28%40merken%29"
              "&start_time=2016-01-01T00%3A00%3A00%2B01%3A00&max_results=100")


def _token(name: str, page: int) -> str:
    return hashlib.sha1(f"{name}:{page}".encode()).hexdigest()[:32]


def _write_job(job: tuple) -> tuple[str, int, int, int, int]:
    """Write one file; returns (name, records, tweets, notices, bytes on disk)."""
    name, start, end, path, compress, last = job
    world = _WORLD
    assert world is not None
    sink = _Sink(Path(path), compress)
    rows = _Rows(world, start, end)
    records = tweets = notices = 0
    if world.fmt == "v1":
        wr = _V1Writer(world, rows)
        add, line = sink.add, wr.line
        for i, row in enumerate(rows.rows, start):
            add(line(i, row))
            if row[0] >= DEL:
                notices += 1
        records = end - start
        tweets = records - notices
    elif world.fmt == "v2":
        wr2 = _V2Writer(world, rows)
        idx = [i for i in range(end - 1, start - 1, -1) if rows.rows[i - start][0] < DEL]
        pages = [idx[j:j + _V2Writer.PAGE] for j in range(0, len(idx), _V2Writer.PAGE)]
        base = datetime(2021, 3, 2, 9, 0, tzinfo=UTC) + timedelta(days=int(start % 97))
        for p, page in enumerate(pages):
            token = None if (last and p == len(pages) - 1) else _token(name, p)
            retrieved = (base + timedelta(seconds=3 * p)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
            sink.add(wr2.page(page, token, retrieved))
        tweets = records = len(idx)
    else:
        records = _write_twcs(world, sink, rows)
        tweets = records
    size = sink.close()
    return name, records, tweets, notices, size


def _csv_field(s: str) -> str:
    if "," in s or '"' in s or "\n" in s or "\r" in s:
        return '"' + s.replace('"', '""') + '"'
    return s


def _write_twcs(world: _World, sink: _Sink, rows: _Rows) -> int:
    ev = world.ev
    k = len(world.brands)
    accts = _accts(world, "twcs")
    texts = _Texts(world, accts.handles, rows)
    kind = ev["kind"]
    keep = (kind < DEL) & (kind != RT)
    # response_tweet_id: the ids of the replies to each tweet, comma separated.
    child = np.flatnonzero(keep & (ev["parent"] >= 0))
    responses: dict[int, list[int]] = {}
    for c, p in zip(ev["twcs_id"][child].tolist(), ev["parent"][child].tolist(), strict=True):
        responses.setdefault(p, []).append(c)
    sink.add("tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n")
    twcs_id = ev["twcs_id"][rows.start:rows.end].tolist()
    twcs_pid = ev["twcs_pid"][rows.start:rows.end].tolist()
    n = 0
    for j, row in enumerate(rows.rows):
        if row[0] >= DEL or row[0] == RT:
            continue
        i = rows.start + j
        a = row[3]
        text = texts.render(i, row)[0]
        resp = responses.get(i)
        pid = twcs_pid[j]
        sink.add(f"{twcs_id[j]},{accts.ids[a]},{'False' if a < k else 'True'},{_v1_date(row[1])},"
                 f"{_csv_field(text)},{_csv_field(','.join(map(str, sorted(resp)))) if resp else ''},"
                 f"{pid if pid else ''}\n")
        n += 1
    return n


# ---------------------------------------------------------------------------------------------
# The public entry point


@dataclass
class SampleResult:
    out: Path
    files: list[Path]
    truth: dict
    seconds: float
    raw_bytes: int = 0

    @property
    def disk_bytes(self) -> int:
        return sum(f["bytes"] for f in self.truth["archive"]["files"])


def _month_starts() -> list[tuple[str, int]]:
    out = []
    for y in (YEAR - 1, YEAR, YEAR + 1):
        for m in range(1, 13):
            out.append((f"{y}-{m:02d}", int(datetime(y, m, 1, tzinfo=UTC).timestamp())))
    return out


def _plan_files(world: _World, compress: bool) -> list[tuple[str, int, int]]:
    t = world.ev["t"]
    gz = ".gz" if compress else ""
    if world.fmt == "twcs":
        return [(f"twcs.csv{gz}", 0, len(t))]
    prefix = "tweets" if world.fmt == "v1" else "search"
    files = []
    months = _month_starts()
    for j, (label, start_t) in enumerate(months[:-1]):
        a, b = np.searchsorted(t, [start_t, months[j + 1][1]])
        if b > a:
            files.append((f"{prefix}-{label}.jsonl{gz}", int(a), int(b)))
    return files


def _default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


def generate(
    out: str | os.PathLike,
    *,
    tweets: int = DEFAULT_TWEETS,
    seed: int = DEFAULT_SEED,
    fmt: str = "v1",
    brands: int = DEFAULT_BRANDS,
    compress: bool = True,
    workers: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> SampleResult:
    """Write a synthetic archive to ``out`` (dump files, ``brands.csv``, ``truth.json``).

    ``fmt="parquet"`` writes a kwo archive instead of dump files (kwo.sample_parquet; ``compress``
    and ``workers`` do not apply). ``tweets`` is the number of mention tweets (DESIGN.md section 3) the analysis will find;
    proactive replies scale with it (:func:`proactive_for`). The same arguments give the same
    bytes. Files a previous ``kwo sample`` run left in ``out`` (listed in its truth.json) and that
    this run does not write again are removed; nothing else in ``out`` is touched.
    """
    global _WORLD
    if fmt not in FORMATS:
        raise UsageError(f"unknown sample format {fmt!r} (choose from {', '.join(FORMATS)})")
    if fmt == "parquet":
        from .sample_parquet import generate_parquet

        return generate_parquet(out, tweets=tweets, seed=seed, brands=brands, progress=progress)
    if not 2 <= brands <= MAX_BRANDS:
        raise UsageError(f"--brands must be between 2 and {MAX_BRANDS} (got {brands})")
    plan = plan_counts(tweets)
    say = progress or (lambda msg: None)
    started = time.perf_counter()
    out_dir = Path(out)
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"--out {out_dir}: exists and is not a directory")
    refuse_inside_archive(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KwoError(f"--out {out_dir}: cannot create the directory: {exc.strerror or exc}") from None

    say("planning the year")
    gen = _Gen(plan, brands, seed)
    ev = _finish(gen, gen.run(), fmt)
    world = _World(plan=plan, fmt=fmt, seed=seed, brands=gen.brands, acc=gen.acc, ev=ev)
    world.files = _plan_files(world, compress)

    old_files = _previous_files(out_dir)
    jobs = [(name, a, b, str(out_dir / name), compress, j == len(world.files) - 1)
            for j, (name, a, b) in enumerate(world.files)]
    n_workers = workers or _default_workers()
    say(f"writing {len(jobs)} file(s) with {min(n_workers, len(jobs))} process(es)")
    _WORLD = world
    try:
        # truth.json is counted in this process while the workers write.
        results, truth = _run_jobs(jobs, n_workers, lambda: _truth(world, gen.clock, gen.open_mask))
    except BaseException as exc:
        for name, _, _ in world.files:  # half-written temporary files of this run
            for tmp in out_dir.glob(f".{name}.tmp-*"):
                tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise KwoError(f"--out {out_dir}: cannot write: {exc.strerror or exc}") from None
        raise
    finally:
        _WORLD = None
        _ACCTS.clear()
    by_name = {r[0]: r for r in results}
    files_info = []
    for name, _, _ in world.files:
        _, records, n_tweets, notices, size = by_name[name]
        files_info.append({"name": name, "records": records, "tweets": n_tweets, "notices": notices, "bytes": size})
    truth["archive"] = {
        "files": files_info,
        "records": sum(f["records"] for f in files_info),
        "tweets": sum(f["tweets"] for f in files_info),
        "notices": sum(f["notices"] for f in files_info),
        "roster": "brands.csv",
    }
    _write_roster(out_dir / "brands.csv", world)
    _write_text(out_dir / "truth.json", json.dumps(truth, indent=1, ensure_ascii=False) + "\n")
    keep = {name for name, _, _ in world.files}
    for stale in old_files - keep:
        try:
            (out_dir / stale).unlink()
        except FileNotFoundError:
            pass
    return SampleResult(out=out_dir, files=[out_dir / n for n, _, _ in world.files], truth=truth,
                        seconds=time.perf_counter() - started)


def refuse_inside_archive(out_dir: Path, *, except_itself: bool = False) -> None:
    """Dump files have no place in a kwo archive (the next ingest would find foreign files there);
    ``except_itself``: ``out_dir`` may itself be an archive (a sample archive written again)."""
    from .output import archive_holding

    holder = archive_holding(out_dir)
    if holder is not None and not (except_itself and holder == out_dir.resolve()):
        raise UsageError(f"--out {out_dir}: is inside the kwo archive {holder}; write the sample to a directory "
                         "outside it")


def _previous_files(out_dir: Path) -> set[str]:
    try:
        old = json.loads((out_dir / "truth.json").read_text(encoding="utf-8"))
        return {f["name"] for f in old["archive"]["files"] if "/" not in f["name"]}
    except (OSError, ValueError, KeyError, TypeError):
        return set()


#: Below this many rows the files are written in-process: starting workers would cost more.
PARALLEL_MIN_ROWS = 200_000


def _run_jobs(jobs: list[tuple], workers: int, meanwhile: Callable[[], dict]) -> tuple[list[tuple], dict]:
    """Write the files (in worker processes when it pays); ``meanwhile`` runs here in the meantime."""
    # Largest files first, so the processes finish together.
    ordered = sorted(jobs, key=lambda j: j[1] - j[2])
    if workers <= 1 or len(jobs) <= 1 or sum(j[2] - j[1] for j in jobs) < PARALLEL_MIN_ROWS:
        return [_write_job(j) for j in ordered], meanwhile()
    import multiprocessing as mp

    try:
        ctx = mp.get_context("fork")  # the workers inherit the world instead of unpickling it
    except ValueError:  # pragma: no cover - platforms without fork
        return [_write_job(j) for j in ordered], meanwhile()
    with ctx.Pool(min(workers, len(jobs))) as pool:
        pending = pool.map_async(_write_job, ordered, chunksize=1)
        other = meanwhile()
        return pending.get(), other


def _write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8", newline="\n")
    os.replace(tmp, path)


def _write_roster(path: Path, world: _World) -> None:
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["handle", "name", "sector", "user_id", "hours", "tz"])
    for b in world.brands:
        w.writerow(b.roster_row(world.fmt))
    _write_text(path, buf.getvalue())


def plan_summary(tweets: int = DEFAULT_TWEETS) -> dict:
    """The planned counts as a dict (what ``kwo sample --plan`` prints)."""
    p = plan_counts(tweets)
    d = asdict(p)
    d.update(mention_tweets=p.mention_tweets, answered=p.answered, answered_pct=round(p.answered_pct, 2))
    return d


__all__ = [
    "BUCKETS",
    "DEFAULT_BRANDS",
    "DEFAULT_SEED",
    "DEFAULT_TWEETS",
    "FORMATS",
    "KWO16_ANSWERED_PCT",
    "KWO16_MENTION_TWEETS",
    "KWO16_PEAK_HOUR",
    "KWO16_PROACTIVE",
    "Plan",
    "SampleResult",
    "build_roster",
    "generate",
    "plan_counts",
    "plan_summary",
    "proactive_for",
]
