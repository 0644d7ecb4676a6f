"""GDELT event exports → the project's tables.

Layouts: GDELT 2.0 (61 tab-separated columns, no header), GDELT 1.0 daily files (58
columns, or 57 before SOURCEURL was added). CAMEO codes map to PLOVER through
``cameo_plover.csv``; public statements (CAMEO 01) are skipped and counted. Location
country codes are FIPS 10-4 and become ISO3 through ``fips_iso3.csv``; actor country codes
are CAMEO's three-letter codes, which are ISO3 for countries.
"""

from __future__ import annotations

import os
import tempfile

import pandas as pd
import pycountry

from analysis.importers.common import Account, FileRejected, decode_line
from analysis.importers.tables import cameo_descriptions, cameo_type, fips_to_iso3
from analysis.schema import country_name
from analysis.store.imports import FileImport, stage_gdelt_chunk

COLUMNS_2 = [
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate", "Actor1Code", "Actor1Name",
    "Actor1CountryCode", "Actor1KnownGroupCode", "Actor1EthnicCode", "Actor1Religion1Code",
    "Actor1Religion2Code", "Actor1Type1Code", "Actor1Type2Code", "Actor1Type3Code", "Actor2Code", "Actor2Name",
    "Actor2CountryCode", "Actor2KnownGroupCode", "Actor2EthnicCode", "Actor2Religion1Code",
    "Actor2Religion2Code", "Actor2Type1Code", "Actor2Type2Code", "Actor2Type3Code", "IsRootEvent", "EventCode",
    "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale", "NumMentions", "NumSources", "NumArticles",
    "AvgTone", "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code",
    "Actor1Geo_ADM2Code", "Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID", "Actor2Geo_Type",
    "Actor2Geo_FullName", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code", "Actor2Geo_ADM2Code", "Actor2Geo_Lat",
    "Actor2Geo_Long", "Actor2Geo_FeatureID", "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode",
    "ActionGeo_ADM1Code", "ActionGeo_ADM2Code", "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID",
    "DATEADDED", "SOURCEURL",
]
COLUMNS_1 = [c for c in COLUMNS_2 if not c.endswith("ADM2Code")]  # 58, with SOURCEURL
LAYOUTS = {61: ("GDELT 2.0", COLUMNS_2), 58: ("GDELT 1.0", COLUMNS_1), 57: ("GDELT 1.0 (no SOURCEURL)", COLUMNS_1[:-1])}

# ActionGeo_Type → (place kind, coordinate precision)
GEO_TYPES = {"1": ("country", "country"), "2": ("region", "region"), "3": ("city", "city"),
             "4": ("city", "city"), "5": ("region", "region")}
# CAMEO actor type codes → sector
SECTORS = {"GOV": "government", "MIL": "military", "COP": "security", "SPY": "security", "JUD": "government",
           "LEG": "government", "REB": "armed_group", "INS": "armed_group", "SEP": "armed_group",
           "UAF": "armed_group", "MED": "media", "JRN": "media", "BUS": "business", "MNC": "business",
           "IGO": "intergovernmental", "NGO": "civil_society", "CVL": "civil_society", "OPP": "political_party"}
CHUNK_BYTES = 128 * 2**20


def detect_layout(first_line: bytes, name: str) -> tuple[str, list[str]]:
    """The layout (label, column names) a file's first line shows, or FileRejected."""
    fields = first_line.count(b"\t") + 1
    if fields not in LAYOUTS:
        raise FileRejected(
            f"{name}: is not a GDELT events export: line 1 has {fields} tab-separated field(s), "
            f"expected 61 (GDELT 2.0), 58 or 57 (GDELT 1.0)"
        )
    return LAYOUTS[fields]


def lookup_frames(states: dict[str, str]) -> dict[str, pd.DataFrame]:
    """The mapping tables as frames for the store's staging SQL."""
    descriptions = cameo_descriptions()
    cameo = []
    for code, description in descriptions.items():
        plover, note = cameo_type(code) or (None, "")
        cameo.append((code, plover, f"CAMEO {code} {description}", description))
    countries = [(c.alpha_3, c.alpha_3, country_name(c.alpha_3), states.get(c.alpha_3, f"gdelt:{c.alpha_3}"))
                 for c in pycountry.countries]
    countries.append(("XKX", "XKX", "Kosovo", states.get("XKX", "gdelt:XKX")))
    return {
        "gdelt_cameo": pd.DataFrame(cameo, columns=["code", "plover", "note", "description"], dtype=object),
        "gdelt_countries": pd.DataFrame(countries, columns=["code", "iso3", "name", "state_id"], dtype=object),
        "gdelt_fips": pd.DataFrame([(f, i) for f, i in fips_to_iso3().items() if i], columns=["fips", "iso3"],
                                   dtype=object),
        "gdelt_sectors": pd.DataFrame(list(SECTORS.items()), columns=["code", "sector"], dtype=object),
        "gdelt_geo": pd.DataFrame([(t, k, c) for t, (k, c) in GEO_TYPES.items()],
                                  columns=["geo_type", "kind", "coord_precision"], dtype=object),
    }


def numbered_good_lines(first: int, lines: list[bytes], width: int, account: Account) -> bytes:
    """The chunk's well-formed lines, each prefixed with its line number and a tab.

    Lines that are empty, not UTF-8 or have the wrong number of fields are rejected.
    """
    block = b"".join(lines)
    try:
        block.decode("utf-8")
        all_text = True
    except UnicodeDecodeError:
        all_text = False
    tabs = [line.count(b"\t") for line in lines]
    if all_text and b"\r" not in block and all(t == width - 1 for t in tabs):
        return b"".join([b"%d\t%s" % (first + i, line) for i, line in enumerate(lines)]) + (
            b"" if block.endswith(b"\n") else b"\n")
    out = []
    for offset, raw in enumerate(lines):
        number = first + offset
        line = raw.rstrip(b"\r\n")
        if not line.strip():
            account.reject(number, "empty line")
        elif not all_text and decode_line(line) is None:
            account.reject(number, "is not UTF-8 text")
        elif line.count(b"\t") != width - 1:
            fields = line.count(b"\t") + 1
            account.reject(number, f"has {fields} tab-separated fields, this file's layout has {width}")
        else:
            out.append(b"%d\t%s\n" % (number, line))
    return b"".join(out)


def stage_file(job: FileImport, stream, layout: tuple[str, list[str]], account: Account, progress) -> None:
    """Read a GDELT stream chunk by chunk into the job's staging tables."""
    label, columns = layout
    first = 1
    handle, path = tempfile.mkstemp(suffix=".tsv", prefix="gdelt-chunk-")
    os.close(handle)
    try:
        while True:
            lines = stream.readlines(CHUNK_BYTES)
            if not lines:
                break
            account.rows += len(lines)
            data = numbered_good_lines(first, lines, len(columns), account)
            first += len(lines)
            if data:
                with open(path, "wb") as out:
                    out.write(data)
                rejects, skips = stage_gdelt_chunk(job.cur, path, columns, label)
                for line, reason in rejects:
                    account.reject(int(line), reason)
                for line, root in skips:
                    account.skip(int(line), f"public statement (CAMEO {root}), skipped by design")
            progress(sum(len(line) for line in lines))
    finally:
        os.unlink(path)
