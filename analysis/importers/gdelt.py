"""GDELT event exports → the project's tables.

Layouts: GDELT 2.0 (61 tab-separated columns, no header), GDELT 1.0 daily files (58
columns, or 57 before SOURCEURL was added). CAMEO codes map to PLOVER through
``cameo_plover.csv``; public statements (CAMEO 01) are skipped and counted. Location
country codes are FIPS 10-4 and become ISO3 through ``fips_iso3.csv``; actor country codes
are CAMEO's three-letter codes, which are ISO3 for countries.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pycountry

from analysis.importers.common import Account, FileRejected, decode_line
from analysis.importers.tables import cameo_descriptions, cameo_type, fips_to_iso3
from analysis.schema import country_name
from analysis.store.imports import GDELT_USED, FileImport, stage_gdelt_chunk

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
BOM = b"\xef\xbb\xbf"
# Fields are trimmed of leading and trailing Unicode space separators (category Zs).
SPACES = "".join(map(chr, (0x20, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000)))


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


def _is_utf8(block: bytes) -> bool:
    try:
        block.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _parse(block: bytes, columns: list[str]) -> pa.Table | None:
    """The columns the import reads, as trimmed text, from tab-separated lines; None if a line
    has the wrong number of fields."""
    bad = []

    def invalid(row) -> str:
        bad.append(row)
        return "skip"

    table = pacsv.read_csv(
        pa.py_buffer(block),
        read_options=pacsv.ReadOptions(column_names=columns, block_size=16 * 2**20),
        parse_options=pacsv.ParseOptions(delimiter="\t", quote_char=False, double_quote=False, escape_char=False,
                                         ignore_empty_lines=False, invalid_row_handler=invalid),
        convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(columns, pa.string()),
                                             include_columns=[c for c in columns if c in GDELT_USED],
                                             strings_can_be_null=False, check_utf8=False),
    )
    if bad:
        return None
    fields = dict(zip(table.column_names, table.columns, strict=True))
    if block.startswith(BOM) and table.num_rows:
        # The reader drops a byte order mark that starts the text; it is part of the first field.
        first = fields["GLOBALEVENTID"]
        fields["GLOBALEVENTID"] = pa.concat_arrays([pa.array([BOM.decode() + first[0].as_py()]),
                                                    first.slice(1).combine_chunks()])
    return pa.table({name: pc.utf8_trim(column, characters=SPACES) for name, column in fields.items()})


def good_rows(first: int, block: bytes, columns: list[str]) -> tuple[int, pa.Table | None, list[tuple[int, str]]]:
    """The lines of ``block`` (whole lines, the first numbered ``first``): their number, the
    well-formed ones as a table (``line``, the line number, then the columns the import reads,
    trimmed; None if there are none) and the (line, reason) of the others.

    Lines that are empty, not UTF-8 or have the wrong number of fields are rejected; so is a
    line with a carriage return inside it (only a line ending may hold one).
    """
    count = block.count(b"\n") + (not block.endswith(b"\n"))
    if b"\r" not in block and _is_utf8(block):
        table = _parse(block, columns)
        if table is not None and table.num_rows == count:
            return count, table.add_column(0, "line", pa.array(np.arange(first, first + count, dtype=np.int64))), []
    lines = block.split(b"\n")
    if not block.endswith(b"\n"):
        lines.append(b"")
    width = len(columns)
    good, numbers, rejects = [], [], []
    for offset, raw in enumerate(lines[:-1]):
        number = first + offset
        line = raw.rstrip(b"\r\n")
        if not line.strip():
            rejects.append((number, "empty line"))
        elif decode_line(line) is None:
            rejects.append((number, "is not UTF-8 text"))
        elif line.count(b"\t") != width - 1:
            fields = line.count(b"\t") + 1
            rejects.append((number, f"has {fields} tab-separated fields, this file's layout has {width}"))
        elif b"\r" in line:
            rejects.append((number, "holds a carriage return inside a field"))
        else:
            good.append(line)
            numbers.append(number)
    if not good:
        return count, None, rejects
    table = _parse(b"\n".join(good) + b"\n", columns)
    return count, table.add_column(0, "line", pa.array(numbers, type=pa.int64())), rejects


def read_blocks(stream):
    """Blocks of whole lines, each the lines up to the first whose end passes CHUNK_BYTES (as
    ``readlines(CHUNK_BYTES)`` reads them); the last line of a file may lack its newline."""
    while True:
        block = stream.read(CHUNK_BYTES)
        if not block:
            return
        yield block + stream.readline()


def _parsed_blocks(stream, columns: list[str]):
    """(bytes read, lines, good rows, rejected lines) for each block of the stream."""
    first = 1
    for block in read_blocks(stream):
        count, rows, rejects = good_rows(first, block, columns)
        first += count
        yield len(block), count, rows, rejects


def stage_file(job: FileImport, stream, layout: tuple[str, list[str]], account: Account, progress) -> None:
    """Read a GDELT stream chunk by chunk into the job's staging table.

    The next chunk is read and parsed in a second thread while the store stages this one.
    """
    label, columns = layout
    blocks = _parsed_blocks(stream, columns)
    with ThreadPoolExecutor(max_workers=1) as reader:
        ahead = reader.submit(next, blocks, None)
        while (item := ahead.result()) is not None:
            ahead = reader.submit(next, blocks, None)
            size, count, rows, bad_lines = item
            account.rows += count
            for line, reason in bad_lines:
                account.reject(line, reason)
            if rows is not None:
                rejects, skips = stage_gdelt_chunk(job.cur, rows, label)
                for line, reason in rejects:
                    account.reject(int(line), reason)
                for line, root in skips:
                    account.skip(int(line), f"public statement (CAMEO {root}), skipped by design")
            progress(size)
