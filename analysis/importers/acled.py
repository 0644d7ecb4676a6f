"""ACLED CSV exports → the project's tables.

Reads the current 31-column layout and older ones: upper- or lower-case headers, ``data_id``
instead of (or beside) ``event_id_cnty``, ``iso3`` or numeric ``iso``, numeric or named
``inter1``/``inter2`` codes, ``ally_actor_*`` for ``assoc_actor_*``, files holding one row per
actor of an event (rows of one event are merged), dates written "31 December 2020" or
"2020-12-31", and "NA" for missing values. Event types map to PLOVER through
``acled_plover.csv``.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from functools import cache

import pandas as pd
import pycountry

from analysis.importers.common import Account, Batch, FileRejected, geo_place_id, slug, topic_of
from analysis.importers.tables import acled_type

MISSING = {"", "NA", "N/A", "NULL", "None", "nan"}
HEADER_ALIASES = {"ally_actor_1": "assoc_actor_1", "ally_actor_2": "assoc_actor_2", "actor": "actor1",
                  "inter": "inter1", "assoc_actor": "assoc_actor_1", "gwno": "gwno"}
DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d %b %Y", "%d-%b-%Y", "%d/%m/%Y", "%Y/%m/%d")
INTER_LABELS = {"1": "State forces", "2": "Rebel group", "3": "Political militia", "4": "Identity militia",
                "5": "Rioters", "6": "Protesters", "7": "Civilians", "8": "External/Other forces"}
INTER_SECTORS = {"state forces": "military", "rebel group": "armed_group", "political militia": "armed_group",
                 "identity militia": "armed_group", "rioters": "civil_society", "protesters": "civil_society",
                 "civilians": "civil_society", "external/other forces": "other"}
# time_precision → (date precision, note on how the date is known)
TIME_PRECISIONS = {"1": ("day", "ACLED time precision 1: the day is known"),
                   "2": ("day", "ACLED time precision 2: the day is approximate (within about a week)"),
                   "3": ("month", "ACLED time precision 3: only the month is known")}
# geo_precision → (place kind, coordinate precision)
GEO_PRECISIONS = {"1": ("city", "city"), "2": ("city", "region"), "3": ("region", "region")}
KNOWN_COUNTRIES = {"wagner group": "RUS", "africa corps": "RUS"}
WIRES = {"afp", "agence france presse", "reuters", "ap", "associated press", "xinhua", "anadolu", "anadolu agency",
         "dpa", "efe", "apa"}
STATE_MEDIA = {"tass", "ria novosti", "sputnik", "ortm", "rtb", "rtn", "aib", "tele sahel", "amap", "ani",
               "anp", "rts", "aps"}
DATASET_SOURCE = ("acled:dataset", "ACLED", "dataset", "ACLED event data", "https://acleddata.com/")


def _value(row: dict, name: str) -> str:
    value = (row.get(name) or "").strip()
    return "" if value in MISSING else value


@cache
def parse_date(text: str) -> dt.date | None:
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


@cache
def country_code(name: str) -> str | None:
    """ISO3 of a country name, alpha-3 or numeric code as ACLED writes them; None if unknown."""
    text = name.strip()
    if not text:
        return None
    if text.isdigit():
        found = pycountry.countries.get(numeric=text.zfill(3))
        return found.alpha_3 if found else None
    try:
        return pycountry.countries.lookup(text).alpha_3
    except LookupError:
        aliases = {"russia": "RUS", "ivory coast": "CIV", "democratic republic of congo": "COD",
                   "republic of congo": "COG", "kosovo": "XKX", "iran": "IRN", "syria": "SYR"}
        return aliases.get(text.lower())


@cache
def actor_country(name: str) -> str | None:
    """The country an ACLED actor name states: 'Military Forces of Mali (2021-)', 'Civilians (Niger)'."""
    if name.lower() in KNOWN_COUNTRIES:
        return KNOWN_COUNTRIES[name.lower()]
    match = re.search(r"\bof ([A-Z][A-Za-z' .-]+?)(?: \(|$)", name)
    if match and country_code(match.group(1)):
        return country_code(match.group(1))
    match = re.search(r"\(([A-Z][A-Za-z' .-]+)\)\s*$", name)
    if match:
        return country_code(match.group(1))
    return None


def outlet_type(outlet: str) -> str:
    lowered = outlet.lower()
    if lowered in WIRES:
        return "wire"
    if lowered in STATE_MEDIA:
        return "state_media"
    return "other_media"


def normalise_header(header: list[str]) -> list[str]:
    names = [h.strip().lower().lstrip("\ufeff") for h in header]
    return [HEADER_ALIASES.get(n, n) if HEADER_ALIASES.get(n, n) not in names else n for n in names]


def check_header(columns: list[str], name: str) -> None:
    """A FileRejected naming what an ACLED export must have and this file lacks."""
    needs = [("event_id_cnty", "data_id"), ("event_date",), ("event_type",), ("actor1",), ("country", "iso3", "iso")]
    missing = [" or ".join(options) for options in needs if not any(o in columns for o in options)]
    if missing:
        raise FileRejected(f"{name}: is not an ACLED export: the header line has no {', '.join(missing)} column")


class AcledReader:
    """Turns ACLED rows into events, merging rows of the same event (one row per actor, copies)."""

    def __init__(self, states: dict[str, str], account: Account):
        self.states, self.account = states, account
        self.events: dict[str, dict] = {}

    def actor(self, name: str, inter: str) -> tuple[str, dict]:
        """(actor_id, actor row) for an ACLED actor name; governments match the store's states."""
        country = actor_country(name)
        label = INTER_LABELS.get(inter, inter)
        if name.lower().startswith("government of") and country:
            actor_id = self.states.get(country, f"acled:state-{country.lower()}")
            return actor_id, {"actor_id": actor_id, "name": name, "kind": "state", "country": country,
                              "sector": "government", "members": None, "aliases": None}
        sector = INTER_SECTORS.get(label.lower(), "other")
        if "police" in name.lower():
            sector = "security"
        actor_id = f"acled:{slug(name)}"
        return actor_id, {"actor_id": actor_id, "name": name, "kind": "organisation", "country": country,
                          "sector": sector, "members": None, "aliases": None}

    def add(self, line: int, row: dict) -> None:
        """Read one row; rejects it in the account with a reason when it is malformed."""
        reject = self.account.reject
        ident = _value(row, "event_id_cnty")
        data_id = _value(row, "data_id")
        event_id = f"acled:{ident}" if ident else (f"acled:data:{data_id}" if data_id else "")
        if not event_id:
            return reject(line, "has no event_id_cnty or data_id")
        day = parse_date(_value(row, "event_date"))
        if day is None:
            return reject(line, f"event_date '{_value(row, 'event_date')}' is not a date "
                                "(e.g. 2020-12-31 or 31 December 2020)")
        mapped = acled_type(_value(row, "event_type"), _value(row, "sub_event_type"))
        if mapped is None:
            return reject(line, f"event type '{_value(row, 'event_type')}' / '{_value(row, 'sub_event_type')}' "
                                "is not in acled_plover.csv")
        numbers = {}
        for column in ("fatalities", "timestamp"):
            text = _value(row, column)
            if text and not re.fullmatch(r"-?\d+(\.0+)?", text):
                return reject(line, f"{column} '{text}' is not a whole number")
            numbers[column] = int(float(text)) if text else None
        precision, basis = TIME_PRECISIONS.get(_value(row, "time_precision"), TIME_PRECISIONS["1"])
        if precision == "month":
            day = day.replace(day=1)
        country = (country_code(_value(row, "iso3")) or country_code(_value(row, "country"))
                   or country_code(_value(row, "iso")))
        place = None
        lat, lon = _value(row, "latitude"), _value(row, "longitude")
        if lat or lon:
            try:
                lat_value, lon_value = float(lat), float(lon)
            except ValueError:
                return reject(line, f"latitude/longitude '{lat}', '{lon}' are not numbers")
            if not (-90 <= lat_value <= 90 and -180 <= lon_value <= 180):
                return reject(line, f"latitude/longitude {lat}, {lon} are out of range")
            kind, coord = GEO_PRECISIONS.get(_value(row, "geo_precision"), GEO_PRECISIONS["1"])
            place = {"place_id": geo_place_id(lat_value, lon_value),
                     "name": _value(row, "location") or geo_place_id(lat_value, lon_value),
                     "kind": kind, "country": country, "lat": lat_value, "lon": lon_value,
                     "coord_precision": coord, "is_capital": False}

        actors = []
        for name_column, inter_column, role in (("actor1", "inter1", "source"), ("actor2", "inter2", "target")):
            if _value(row, name_column):
                actors.append((*self.actor(_value(row, name_column), _value(row, inter_column)), role))
        for column in ("assoc_actor_1", "assoc_actor_2"):
            for name in _value(row, column).split(";"):
                if name.strip():
                    actors.append((*self.actor(name.strip(), ""), "participant"))
        outlets = [o.strip() for o in _value(row, "source").split(";") if o.strip()]
        sources = [(f"acled:outlet:{slug(o)}", o, outlet_type(o)) for o in outlets] or [DATASET_SOURCE[:3]]

        plover, note = mapped
        summary = _value(row, "notes") or " ".join(
            part for part in (_value(row, "sub_event_type") or _value(row, "event_type"), "in",
                              _value(row, "location") or _value(row, "country")) if part)
        attributes = {k: _value(row, k) for k in (
            "disorder_type", "event_type", "sub_event_type", "interaction", "civilian_targeting", "region",
            "admin1", "admin2", "admin3", "geo_precision", "time_precision", "source_scale", "tags") if _value(row, k)}
        for column in ("inter1", "inter2"):
            if _value(row, column):
                attributes[column] = INTER_LABELS.get(_value(row, column), _value(row, column))
        if numbers["timestamp"] is not None:
            attributes["timestamp"] = numbers["timestamp"]
        involved = {c for c in [country, *(a[1]["country"] for a in actors)] if c}
        event = {
            "event_id": event_id, "date": day, "date_precision": precision, "date_end": None, "date_basis": basis,
            "event_type": plover, "type_note": note, "mode": _value(row, "sub_event_type") or None,
            "summary": summary, "place_id": place["place_id"] if place else None, "topic": topic_of(involved),
            "origin": "acled", "external_id": ident or _value(row, "data_id"), "fatalities": numbers["fatalities"],
            "pipeline_version": "acled-import", "attributes": json.dumps(attributes, ensure_ascii=False),
            "version": numbers["timestamp"], "line": line,
        }
        self._merge(line, {"event": event, "place": place, "actors": actors, "sources": sources})

    def _merge(self, line: int, parsed: dict) -> None:
        event = parsed["event"]
        held = self.events.get(event["event_id"])
        if held is None:
            self.events[event["event_id"]] = parsed
            return
        old, new = held["event"]["version"], event["version"]
        if old is not None and new is not None and new > old:
            self.account.merge(held["event"]["line"], f"older copy of the event on line {line}")
            self.events[event["event_id"]] = parsed
        elif old is not None and new is not None and new < old:
            self.account.merge(line, f"older copy of the event on line {held['event']['line']}")
        else:
            self.account.merge(line, f"more actors or sources of the event on line {held['event']['line']}")
            # In files with one row per actor, each row names its actor as actor1: the first
            # row's actor is the source, the others take part.
            has_source = any(role == "source" for _, _, role in held["actors"])
            held["actors"] += [(actor_id, actor, "participant" if role == "source" and has_source else role)
                               for actor_id, actor, role in parsed["actors"]]
            held["sources"] += parsed["sources"]

    def batch(self) -> Batch:
        """Every event read so far, as table rows."""
        events, places, actors, links, sources, event_sources = [], {}, {}, [], {}, []
        for parsed in self.events.values():
            event = parsed["event"]
            events.append(event)
            if parsed["place"]:
                places.setdefault(parsed["place"]["place_id"], parsed["place"])
            seen = set()
            for actor_id, actor, role in parsed["actors"]:
                actors.setdefault(actor_id, actor)
                if actor_id not in seen:
                    seen.add(actor_id)
                    links.append({"event_id": event["event_id"], "actor_id": actor_id, "role_in_event": role,
                                  "line": event["line"]})
            for source_id, outlet, kind in dict.fromkeys(parsed["sources"]):
                title = DATASET_SOURCE[3] if source_id == DATASET_SOURCE[0] else None
                url = DATASET_SOURCE[4] if source_id == DATASET_SOURCE[0] else None
                sources.setdefault(source_id, {"source_id": source_id, "outlet": outlet, "outlet_type": kind,
                                               "title": title, "published": None, "published_basis": None,
                                               "url": url, "notes": "named as a source by ACLED"})
                event_sources.append({"event_id": event["event_id"], "source_id": source_id, "document": None,
                                      "evidence": None, "line": event["line"]})

        def frame(rows, table_columns):
            return pd.DataFrame(rows, columns=table_columns)

        return Batch(
            events=frame(events, list(events[0]) if events else ["event_id"]),
            actors=frame(list(actors.values()),
                         ["actor_id", "name", "kind", "country", "sector", "members", "aliases"]),
            places=frame(list(places.values()), ["place_id", "name", "kind", "country", "lat", "lon",
                                                 "coord_precision", "is_capital"]),
            sources=frame(list(sources.values()), ["source_id", "outlet", "outlet_type", "title", "published",
                                                   "published_basis", "url", "notes"]),
            event_actors=frame(links, ["event_id", "actor_id", "role_in_event", "line"]),
            event_sources=frame(event_sources, ["event_id", "source_id", "document", "evidence", "line"]),
        )


def read_rows(stream, name: str, account: Account, reader: AcledReader, progress) -> None:
    """Read every record of an ACLED CSV stream into ``reader``; bad records are rejected."""
    bad_lines: set[int] = set()
    counter = {"line": 0}

    def text_lines():
        for raw in stream:
            counter["line"] += 1
            progress(len(raw))
            try:
                yield raw.decode("utf-8-sig" if counter["line"] == 1 else "utf-8")
            except UnicodeDecodeError:
                bad_lines.add(counter["line"])
                yield raw.decode("utf-8", errors="replace")

    records = csv.reader(text_lines())
    try:
        header = next(records)
    except StopIteration:
        raise FileRejected(f"{name}: is empty") from None
    except csv.Error as exc:
        raise FileRejected(f"{name}: is not a CSV file ({exc})") from None
    if 1 in bad_lines:
        raise FileRejected(f"{name}: is not UTF-8 text (line 1)")
    columns = normalise_header(header)
    check_header(columns, name)
    start = 2
    while True:
        try:
            values = next(records)
        except StopIteration:
            break
        except csv.Error as exc:
            account.rows += 1
            account.reject(start, f"is not valid CSV ({exc})")
            start = counter["line"] + 1
            continue
        end = records.line_num
        if not any(v.strip() for v in values):
            start = end + 1
            continue
        account.rows += 1
        if any(start <= n <= end for n in bad_lines):
            account.reject(start, "is not UTF-8 text")
        elif len(values) != len(columns):
            account.reject(start, f"has {len(values)} fields where the header has {len(columns)}")
        else:
            reader.add(start, dict(zip(columns, values, strict=True)))
        start = end + 1
