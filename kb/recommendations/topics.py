"""Topic tags for recommendations and practices: a documented keyword classifier over English, Dutch, French
and German words of the field.

Three families of tags: the four P's of anti-trafficking policy (prevention, protection, prosecution,
partnership), the form of exploitation, and the group concerned. A record gets every tag one of whose word stems
it contains (stems match the start of a word, case and accents ignored); the sub-heading it stands under counts
as part of its text. The lists are kept short and specific: a tag must be earned by a word that names it.
"""
from __future__ import annotations

import re
import unicodedata

TOPIC_FAMILIES: dict[str, tuple[str, ...]] = {
    "policy": ("prevention", "protection", "prosecution", "partnership"),
    "exploitation": ("sexual exploitation", "labour exploitation", "criminal exploitation", "organ removal",
                     "forced begging", "domestic servitude", "forced marriage", "online exploitation"),
    "group": ("children", "unaccompanied minors", "migrants", "asylum seekers", "women", "domestic workers"),
}

# word stems per tag: a stem matches the start of a word; one ending in "=" matches a whole word only
TOPIC_STEMS: dict[str, tuple[str, ...]] = {
    "prevention": ("prevent", "awareness", "campaign", "demand", "voorkom", "preventie", "preventief", "bewustwording",
                   "voorlichting", "prévention", "prévenir", "sensibilis", "prävention", "vorbeug", "aufklärung",
                   "train", "opleid", "scholing", "formation"),
    "protection": ("victim", "assistance", "shelter", "identif", "reflection period", "residence permit",
                   "compensation", "support", "care=", "slachtoffer", "opvang", "hulpverlen", "bedenktijd",
                   "verblijfsvergunning", "schadevergoeding", "b9=", "b8=", "victime", "assistance", "hébergement",
                   "indemnis", "opfer", "schutz", "betreuung", "entschädigung", "non-punishment", "non-punish"),
    "prosecution": ("prosecut", "investigat", "criminal", "police", "judge", "court", "sentenc", "convict",
                    "law enforcement", "financial investigation", "confiscat", "vervolg", "opsporing", "politie",
                    "openbaar ministerie", "rechter", "strafrecht", "strafbaar", "rechercher", "poursuite", "enquête",
                    "pénal", "strafverfolg", "ermittl", "polizei", "gericht", "public prosecution"),
    "partnership": ("cooperat", "co-operat", "coordinat", "co-ordinat", "multi-agency", "chain partner", "ngo=", "ngos=",
                    "civil society", "international", "samenwerk", "ketenpartner", "coördinat", "afstemming",
                    "coopération", "partenariat", "zusammenarbeit", "kooperation", "koordinier"),
    "sexual exploitation": ("sexual exploitation", "prostitut", "sex industry", "sex work", "escort", "seksindustrie",
                            "seksuele uitbuiting", "seksbedrij", "loverboy", "exploitation sexuelle",
                            "sexuelle ausbeutung", "zwangsprostitution"),
    "labour exploitation": ("labour exploitation", "labor exploitation", "forced labour", "forced labor",
                            "exploitation in other sectors", "sectors other than the sex industry", "labour market",
                            "working conditions", "employer", "labour inspect", "arbeidsuitbuiting",
                            "overige uitbuiting", "uitbuiting buiten de seksindustrie", "arbeidsmarkt",
                            "werkgever", "arbeidsomstandigheden", "arbeidsinspectie", "travail forcé",
                            "arbeitsausbeutung", "zwangsarbeit"),
    "criminal exploitation": ("forced criminality", "criminal exploitation", "criminal activities", "gedwongen "
                              "criminaliteit", "criminele uitbuiting", "criminalité forcée"),
    "organ removal": ("organ=", "organs=", "orgaan", "organen", "transplant", "kidney", "nier"),
    "forced begging": ("begging", "bedelen", "mendicité", "betteln"),
    "domestic servitude": ("domestic servitude", "domestic work", "huishoudelijk", "servitude domestique",
                           "diplomat"),
    "forced marriage": ("forced marriage", "gedwongen huwelijk", "mariage forcé", "zwangsheirat"),
    "online exploitation": ("online", "internet", "social media", "sociale media", "webcam", "cyber"),
    "children": ("child", "minor=", "minors=", "juvenile", "underage", "kinderen", "kinderhandel", "minderjarig", "jeugd", "jongeren", "enfant",
                 "mineur", "minderjährig"),
    "unaccompanied minors": ("unaccompanied", "ama=", "ama’s", "ama's", "amv=", "alleenstaande minderjarige", "non accompagné",
                             "unbegleitet"),
    "migrants": ("migrant", "undocumented", "illegal", "aliens", "foreign national", "vreemdeling", "illegale",
                 "arbeidsmigra", "migrante", "ausländ"),
    "asylum seekers": ("asylum", "asiel", "refugee", "vluchteling", "asile", "réfugié", "asyl", "flüchtling"),
    "women": ("women", "woman", "girls", "vrouw", "meisje", "femme", "fille", "frauen", "mädchen"),
    "domestic workers": ("domestic worker", "domestic staff", "huishoudelijk personeel", "travailleur domestique",
                         "hausangestellte"),
}


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _stem_pattern(stem: str) -> str:
    return re.escape(_fold(stem[:-1])) + r"(?![\w])" if stem.endswith("=") else re.escape(_fold(stem))


_PATTERNS = {tag: re.compile(r"(?<![\w])(?:" + "|".join(_stem_pattern(s) for s in stems) + ")")
             for tag, stems in TOPIC_STEMS.items()}
TOPICS: tuple[str, ...] = tuple(tag for family in TOPIC_FAMILIES.values() for tag in family)


def topics_of(text: str) -> list[str]:
    """The topic tags a text earns, in the order of TOPICS."""
    folded = _fold(text)
    return [tag for tag in TOPICS if _PATTERNS[tag].search(folded)]
