"""Write static/countries.geojson and static/map-style.json: the offline basemap of the map page.

The country polygons are Natural Earth 1:110m (public domain), as shipped in pyogrio's test
fixtures, so no download is needed. Run once from the repository root and commit the output:

    python tools/make_countries_geojson.py
"""

from __future__ import annotations

import json
import struct
import sys
from pathlib import Path

import pycountry
import pyogrio
import pyogrio.raw

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.figures import COUNTRIES_FILE, MAP_STYLE_FILE, STATIC_DIR, offline_style  # noqa: E402 - after the path is set

SOURCE = Path(pyogrio.__file__).parent / "tests" / "fixtures" / "naturalearth_lowres" / "naturalearth_lowres.shp"
DIGITS = 2  # about 1 km: finer than the 1:110m source itself
# Natural Earth leaves some ISO codes as -99; these are the ones with an ISO code of their own.
ISO_FIXES = {"France": "FRA", "Norway": "NOR", "Kosovo": "XKX"}


def _rings(data: bytes, offset: int, count: int) -> tuple[list, int]:
    rings = []
    for _ in range(count):
        (points,) = struct.unpack_from("<I", data, offset)
        offset += 4
        coords = struct.unpack_from(f"<{2 * points}d", data, offset)
        offset += 16 * points
        rings.append([[coords[i], coords[i + 1]] for i in range(0, len(coords), 2)])
    return rings, offset


def wkb_to_polygons(data: bytes) -> list[list]:
    """Polygons (lists of rings) from little-endian 2D WKB Polygon or MultiPolygon."""
    byte_order, kind = struct.unpack_from("<BI", data, 0)
    if byte_order != 1 or kind not in (3, 6):
        raise ValueError(f"unexpected WKB geometry (byte order {byte_order}, type {kind})")
    if kind == 3:
        (count,) = struct.unpack_from("<I", data, 5)
        return [_rings(data, 9, count)[0]]
    (parts,) = struct.unpack_from("<I", data, 5)
    offset, polygons = 9, []
    for _ in range(parts):
        offset += 5  # each part repeats byte order and type
        (count,) = struct.unpack_from("<I", data, offset)
        rings, offset = _rings(data, offset + 4, count)
        polygons.append(rings)
    return polygons


def simplify_ring(ring: list) -> list | None:
    """Round coordinates, drop repeated points; None when too little of the ring is left."""
    out = []
    for lon, lat in ring:
        point = [round(lon, DIGITS), round(lat, DIGITS)]
        if not out or point != out[-1]:
            out.append(point)
    if out and out[0] != out[-1]:
        out.append(out[0])
    return out if len(out) >= 4 else None


def iso3(name: str, code: str) -> str:
    if code and code != "-99":
        return code
    if name in ISO_FIXES:
        return ISO_FIXES[name]
    country = pycountry.countries.get(name=name)
    return country.alpha_3 if country else ""


def build() -> dict:
    meta, _, geometry, fields = pyogrio.raw.read(SOURCE)
    columns = {name: values for name, values in zip(meta["fields"], fields, strict=True)}
    features = []
    for i, wkb in enumerate(geometry):
        polygons = []
        for polygon in wkb_to_polygons(bytes(wkb)):
            rings = [r for r in (simplify_ring(ring) for ring in polygon) if r]
            if rings:
                polygons.append(rings)
        if not polygons:
            continue
        name = str(columns["name"][i])
        features.append({
            "type": "Feature",
            "properties": {"NAME": name, "ISO_A3": iso3(name, str(columns["iso_a3"][i]))},
            "geometry": {"type": "MultiPolygon", "coordinates": polygons},
        })
    return {"type": "FeatureCollection", "features": features}


def main() -> None:
    STATIC_DIR.mkdir(exist_ok=True)
    collection = build()
    countries = STATIC_DIR / COUNTRIES_FILE
    countries.write_text(json.dumps(collection, separators=(",", ":")), encoding="utf-8")
    style = STATIC_DIR / MAP_STYLE_FILE
    style.write_text(json.dumps(offline_style(), indent=1) + "\n", encoding="utf-8")
    print(f"{countries}: {len(collection['features'])} countries, {countries.stat().st_size / 1024:.0f} KiB")
    print(f"{style}: {style.stat().st_size} bytes")


if __name__ == "__main__":
    main()
