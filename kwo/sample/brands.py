"""The fictional organisations (none is a real company; handles are at most 15 characters),
their sector behaviour and opening hours, and the roster drawn from them (brands.csv)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .plan import TZ_NAME, round_half_up
from .vocabulary import FIRST, LAST, SECTORS, check_text

# ---------------------------------------------------------------------------------------------
# Fictional organisations. None of these is a real company; handles are at most 15 characters.


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
SECTOR_TRAITS = {
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


def hours_mask(spec: str) -> np.ndarray:
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
    n17 = round_half_up(0.3 * k)
    pref = np.array([SECTOR_TRAITS[s][4] for _, _, s in orgs]) + rng.random(k) * 0.6
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
        vol, ans, resp, pro, _, _, _ = SECTOR_TRAITS[sector]
        if closes17[i]:
            hours = _HOURS_17[int(rng.integers(len(_HOURS_17)))]
        else:
            options = _HOURS_LATE[sector]
            hours = options[int(rng.integers(len(options)))]
        agents = []
        for _ in range(int(n_agents[i])):
            first = FIRST[int(rng.integers(len(FIRST)))]
            last = LAST[int(rng.integers(len(LAST)))]
            initials = (first[0] + last.split()[-1][0]).upper()
            agents.append({0: f"^{initials}", 1: f"-{first}", 2: f"Groet, {first}"}[int(sig_style[i])])
        brands.append(SampleBrand(
            handle=handle, name=name, sector=sector, user_id=int(ids[i]), hours=hours, tz=TZ_NAME,
            agents=tuple(agents), volume=float(vol * vol_f[i]), answer=float(ans * ans_f[i]),
            response_minutes=float(resp * resp_f[i]), proactive=float(SECTOR_TRAITS[sector][3] * pro_f[i]),
            closes_at_17=bool(closes17[i]),
        ))
    return brands


# The hand-written organisations pass the checks of the texts (kwo.sample.vocabulary).
for _orgs in _ORGS.values():
    for _n, _h in _orgs:
        check_text(_n)
        check_text(_h)
        assert re.fullmatch(r"\w{1,15}", _h, re.ASCII), _h
