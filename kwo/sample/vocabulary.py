"""Words of the sample: sector names, Dutch first and last names, cities, bios, clients, and the
tweet templates ({0} and {1} are mention slots), checked at import to be safe unescaped in JSON
and CSV."""

from __future__ import annotations

import re

SECTORS = ("telecom", "banking", "energy", "transport", "retail", "insurance", "government", "travel", "media")

# ---------------------------------------------------------------------------------------------
# People. Surnames and first names are common Dutch ones; combinations are invented.

FIRST = ("Sanne", "Joost", "Anouk", "Daan", "Lotte", "Bram", "Femke", "Thijs", "Lieke", "Ruben", "Iris", "Sem",
         "Fleur", "Lars", "Eva", "Jesse", "Noor", "Tim", "Roos", "Bas", "Marloes", "Koen", "Esther", "Jeroen",
         "Mirjam", "Pieter", "Ingrid", "Kees", "Wilma", "Henk", "Annemiek", "Sjoerd", "Hanneke", "Maarten",
         "Els", "Rutger", "Yvonne", "Wouter", "Petra", "Gerrit", "Daniëlle", "Mohamed", "Fatima", "Youssef",
         "Samira", "Kevin", "Priya", "Chloé", "Niels", "Merel", "Stijn", "Ilse", "Jasper", "Linda", "Tom",
         "Emma", "Luuk", "Julia", "Milan", "Sophie", "Nina", "Rick", "Marieke", "Erik", "Mark", "Sandra",
         "Dennis", "Monique", "Patrick", "Astrid", "Hugo", "Saskia", "Gijs", "Karin", "Arjen", "Loes")
LAST = ("de Vries", "Jansen", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit", "Meijer",
        "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer",
        "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "van der Linden", "Kok", "Jacobs", "de Haan",
        "Vermeulen", "van den Heuvel", "van der Veen", "van den Broek", "de Bruijn", "van der Heijden",
        "Schouten", "van Beek", "Willems", "van Vliet", "van de Ven", "Hoekstra", "Maas", "Verhoeven", "Koster",
        "van Dam", "van der Wal", "Prins", "Blom", "Huisman", "Kuipers", "Veenstra", "Kramer", "Scholten",
        "van Wijk", "Postma", "Martens", "Vink", "de Ridder", "El Amrani", "Yilmaz", "Öztürk", "Bouzid")
NICK = ("koffie", "fietser", "forens", "mama", "papa", "oranje", "lezer", "loper", "tuinier", "gamer", "foodie",
        "zzper", "student", "kaaskop", "voetbal")
CITIES = ("Amsterdam", "Rotterdam", "Utrecht", "Den Haag", "Eindhoven", "Groningen", "Tilburg", "Almere",
          "Breda", "Nijmegen", "Arnhem", "Haarlem", "Zwolle", "Leiden", "Maastricht", "Nederland", "Friesland",
          "Zeeland", "", "")
BIOS = ("", "", "Koffie, fietsen en slechte woordgrappen.", "Moeder van twee. Altijd onderweg.",
        "Forens tussen Utrecht en Amsterdam.", "Meningen zijn van mijzelf.", "Tuinier in hart en nieren.",
        "Student. Bijbaan. Te weinig slaap.", "Ondernemer in de bouw.", "Hardlopen, lezen, reizen.",
        "Zzp'er in de zorg.", "Kampioen in klagen, soms ook in complimenten.")
SOURCES_CUSTOMER = (
   ("http://twitter.com/download/iphone", "Twitter for iPhone"),
   ("http://twitter.com/download/android", "Twitter for Android"),
   ("http://twitter.com", "Twitter Web Client"),
   ("https://mobile.twitter.com", "Mobile Web (M5)"),
   ("http://twitter.com/#!/download/ipad", "Twitter for iPad"),
)
SOURCES_BRAND = (
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
T_BRAND_TO_BRAND_REPLY = (
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
T_ANSWER_FOLLOWUP = (
   "fijn dat het gelukt is! Nog een fijne dag.",
   "dank je, we hebben je DM ontvangen en reageren daar.",
   "vervelend! Ik heb het doorgezet naar onze technische dienst.",
   "graag gedaan!",
   "we houden je op de hoogte.",
)
T_ANSWER_EXTRA = (
   "aanvulling: bellen kan ook, via het nummer op onze site.",
   "PS: je hoeft hiervoor niet naar de winkel te komen.",
)
T_THREAD = (
   "(2/2) Laat je het ons weten als het dan nog niet lukt?",
   "(2/2) Onze excuses voor het ongemak.",
)
T_PROACTIVE_PARENT = (
   "Alweer vertraging bij {name}, elke dag hetzelfde",
   "Iemand anders ook problemen met {name} vandaag?",
   "Ben er helemaal klaar mee. {name} krijgt het gewoon niet voor elkaar #{tag}",
   "Nog steeds aan het wachten op {name}...",
   "Zo blij met mijn nieuwe abonnement bij {name} #{tag}",
   "Wie weet hoe je iemand van {name} aan de lijn krijgt?",
)
T_PROACTIVE = (
   "we lazen je tweet. Kunnen we je ergens mee helpen?",
   "vervelend om te lezen! Stuur ons gerust een DM, dan zoeken we het uit.",
   "dank voor je mooie woorden!",
   "we zagen je tweet voorbijkomen. Wat is er precies aan de hand?",
)
T_PARENT_MISSING = (
   "excuses voor het ongemak! Stuur je ons een DM?",
   "dank voor je geduld, het is inmiddels opgelost.",
)
EMOJI = ("", " 😡", " 🙏", " 😤", " 👍", " 🤔", " 😩")


def check_text(s: str) -> None:
    # Texts go into JSON and CSV unescaped, and Twitter HTML-escapes & < >: keep them out.
    bad = set(s) & set('"\\&<>\n\r\t@')
    if bad:
        raise AssertionError(f"unsafe character(s) {bad} in {s!r}")


def _all_texts():
    yield from _T_MENTION_ANY
    for v in (*_T_MENTION.values(), *_T_ANSWER.values(), *_T_ANSWER_ANY.values()):
        yield from v
    yield from (*_T_TWO, *_T_FOLLOWUP, *_T_FOLLOWUP2, *_T_BRAND_TO_BRAND, *T_BRAND_TO_BRAND_REPLY,
                *T_ANSWER_FOLLOWUP, *T_ANSWER_EXTRA, *T_THREAD, *T_PROACTIVE_PARENT, *T_PROACTIVE, *T_PARENT_MISSING,
                *FIRST, *LAST, *NICK, *CITIES, *BIOS)


for _s in _all_texts():
    check_text(_s)

_SLOT_RE = re.compile(r"\{(\d)\}")


def _compile(tpl: str) -> tuple:
    """'{0} foo {1} bar' -> ('', 0, ' foo ', 1, ' bar'): literals and mention slots alternate."""
    parts = _SLOT_RE.split(tpl)
    return tuple(int(p) if i % 2 else p for i, p in enumerate(parts))


# Variants a stream of their own (kwo.sample.wording) puts in place of some texts after the year is
# drawn, so that every other figure stays what it was: (tone + template, asks something). They hold
# what the insights' rules must get right (docs/methodology.md section 13): the full-width '？',
# and a '?' inside a URL, which asks nothing, beside one that ends the sentence after a URL.
MENTION_VARIANTS = (
    ("q{0} hoe lang duurt het nog voordat jullie reageren？", True),
    ("c{0} waarom werkt de app nu weer niet？", True),
    ("c{0} volgens https://status.example.com/storing?regio=3 is alles in orde, maar ik heb niks", False),
    ("p{0} gelukt met de uitleg op www.example.com/hulp?id=12 dank!", False),
    ("c{0} zie example.com/faq?vraag=retour maar daar staat het niet", False),
    ("q{0} geldt www.example.com/actie?id=7 ook voor mij?", True),
    ("q{0} klopt deze pagina nog: https://example.com/faq?", True),
)
_T_MENTION_VARIANTS = tuple(t for t, _ in MENTION_VARIANTS)
#: How many mention templates the year draws from (the variants come later, kwo.sample.wording).
N_MENTION_BASE = {s: len(_T_MENTION.get(s, ()) + _T_MENTION_ANY) for s in SECTORS}
C_MENTION = {s: tuple(_compile(t[1:]) for t in _T_MENTION.get(s, ()) + _T_MENTION_ANY + _T_MENTION_VARIANTS)
             for s in SECTORS}
MENTION_TONE = {s: [_TONES.index(t[0]) for t in _T_MENTION.get(s, ()) + _T_MENTION_ANY + _T_MENTION_VARIANTS]
                for s in SECTORS}
C_TWO = tuple(_compile(t) for t in _T_TWO)
C_FOLLOWUP = tuple(_compile(t) for t in _T_FOLLOWUP)
C_FOLLOWUP2 = tuple(_compile(t) for t in _T_FOLLOWUP2)
C_B2B = tuple(_compile(t) for t in _T_BRAND_TO_BRAND)
# Answers by sector and tone; tone 3 is the answer to a follow-up.
_BASE_ANSWERS = {s: (_T_ANSWER.get(s, ()) + _T_ANSWER_ANY["c"], _T_ANSWER_ANY["q"], _T_ANSWER_ANY["p"],
                     T_ANSWER_FOLLOWUP) for s in SECTORS}
#: Answer variants (kwo.sample.wording), after the answers of every tone but praise: (body, what it
#: is). Four more wordings of a hand-off (PB, privébericht, English, "direct message"), plain
#: answers, and decoys that hand nothing off: a word containing dm ("admin", "dmv"), a hashtag #pm.
#: (No "@dm_team": the templates hold no '@' but the mention slots, so a handle cannot be faked.)
ANSWER_VARIANTS = (
    ("kun je ons een PB sturen? Dan zoeken we het uit.", "handoff"),
    ("wil je ons een privébericht sturen met je gegevens?", "handoff"),
    ("send us a DM with your order number and we will look into it.", "handoff"),
    ("stuur ons gerust een direct message, dan helpen we je verder.", "handoff"),
    ("je kunt ons ook bellen via het nummer op onze site.", "plain"),
    ("ik zoek het voor je uit en laat het je vandaag nog weten.", "plain"),
    ("dat is vervelend, ik heb het direct voor je doorgezet.", "plain"),
    ("ik heb het doorgezet naar onze admin, je hoort snel van ons.", "decoy"),
    ("dat regelen we dmv een nieuwe aanvraag op onze site.", "decoy"),
    ("de updates over de storing vind je onder #pm op onze site.", "decoy"),
)
_T_ANSWER_VARIANTS = tuple(t for t, _ in ANSWER_VARIANTS)
#: The tones whose answers get variants (praise is thanked, never sent to a private channel).
VARIANT_TONES = (0, 1, 3)
#: How many answers of each sector and tone the year draws from (the variants come later).
N_ANSWER_BASE = {s: tuple(len(v) for v in _BASE_ANSWERS[s]) for s in SECTORS}
ANSWERS = {s: tuple(v + _T_ANSWER_VARIANTS if tone in VARIANT_TONES else v
                    for tone, v in enumerate(_BASE_ANSWERS[s])) for s in SECTORS}
for _s in (*_T_MENTION_VARIANTS, *_T_ANSWER_VARIANTS):
    check_text(_s)


# ---------------------------------------------------------------------------------------------
# What the generator knows of its own texts (issue 19's insights, docs/methodology.md section 13).
# truth.json counts questions and hand-offs from these marks, not by running kwo's rules.


def _asks(text: str) -> bool:
    """A template asks something when its author wrote a question mark (the templates hold no URL;
    the variants with one say themselves whether they ask)."""
    assert "/" not in text and "www." not in text, text
    return "?" in text or "？" in text


#: The reply bodies that move the conversation to a private channel: they ask for a DM (or say one
#: came in and the answer follows there). Written out by hand: the generator knows what it says.
HANDOFF_BODIES = frozenset({
    "vervelend om te lezen! Stuur je ons een DM met je klantnummer? Dan kijken we even mee.",
    "kun je ons via DM je postcode en huisnummer sturen?",
    "dank voor je vraag. Stuur je ons een DM met je klantnummer?",
    "dat kan! Stuur ons een DM, dan regelen we het.",
    "dat is vervelend. Stuur ons een DM, dan zoeken we je overboeking op.",
    "excuses! Stuur ons je ordernummer via DM, dan sturen we een nieuwe.",
    "dank je, we hebben je DM ontvangen en reageren daar.",
    "vervelend om te lezen! Stuur ons gerust een DM, dan zoeken we het uit.",
    "excuses voor het ongemak! Stuur je ons een DM?",
})
#: Signatures that kwo's hand-off rule reads as the word PM, PB or DM (an agent's initials after
#: '^': "^PM"). The rule counts them as hand-offs, so the truth does too (reported to the lead as a
#: question about the rule: initials are not a request to go private).
SIGNATURES_READ_AS_HANDOFF = frozenset({"^DM", "^PB", "^PM"})

#: Question marks of the mention templates, in the order of C_MENTION, C_TWO, ...
Q_MENTION = {s: tuple(_asks(t) for t in _T_MENTION.get(s, ()) + _T_MENTION_ANY) + tuple(q for _, q in MENTION_VARIANTS)
             for s in SECTORS}
Q_TWO = tuple(_asks(t) for t in _T_TWO)
Q_FOLLOWUP = tuple(_asks(t) for t in _T_FOLLOWUP)
Q_FOLLOWUP2 = tuple(_asks(t) for t in _T_FOLLOWUP2)
Q_B2B = tuple(_asks(t) for t in _T_BRAND_TO_BRAND)
Q_B2B_REPLY = tuple(_asks(t) for t in T_BRAND_TO_BRAND_REPLY)
#: Hand-offs of the reply templates: by sector and tone (as ANSWERS), and the other kinds of reply.
_HANDOFF_VARIANTS = {b for b, what in ANSWER_VARIANTS if what == "handoff"}
H_ANSWERS = {s: tuple(tuple(b in HANDOFF_BODIES or b in _HANDOFF_VARIANTS for b in tone) for tone in ANSWERS[s])
             for s in SECTORS}
H_EXTRA = tuple(b in HANDOFF_BODIES for b in T_ANSWER_EXTRA)
H_B2B_REPLY = tuple(b in HANDOFF_BODIES for b in T_BRAND_TO_BRAND_REPLY)
H_PROACTIVE = tuple(b in HANDOFF_BODIES for b in T_PROACTIVE)
H_THREAD = tuple(b in HANDOFF_BODIES for b in T_THREAD)
H_PARENT_MISSING = tuple(b in HANDOFF_BODIES for b in T_PARENT_MISSING)
_known = set(T_ANSWER_FOLLOWUP + T_PROACTIVE + T_PARENT_MISSING)
for _v in _T_ANSWER.values():
    _known.update(_v)
for _v in _T_ANSWER_ANY.values():
    _known.update(_v)
assert HANDOFF_BODIES <= _known, HANDOFF_BODIES - _known  # a typo would silently count nothing
