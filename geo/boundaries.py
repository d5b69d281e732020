"""Region boundaries of a given year: Kazakhstan's 2018 and 2022 splits undone for earlier years.

The shipped oblast layer has the boundaries in force since June 2022. Statistics are kept
under the region the office published them for, so a figure of 2019 for "East Kazakhstan
region" describes the territory of 2019, which included today's Abai region. To draw it
truthfully, :func:`oblasts_for_year` dissolves the later children into their parent.

Coding of former territories (documented in ``data/README.md``):

* A parent that kept its name keeps its ISO code for the larger pre-split territory:
  ``KZ-63`` East Kazakhstan before 2022 = today's KZ-63 + KZ-10 (Abai); ``KZ-19`` Almaty
  Region = KZ-19 + KZ-33 (Zhetysu); ``KZ-35`` Karaganda = KZ-35 + KZ-62 (Ulytau). The year of
  a row tells which territory is meant; the note says "pre-June-2022 territory".
* South Kazakhstan region (until June 2018) has its own code ``KZ-YUZ`` (its former ISO
  3166-2 code) = KZ-61 (Turkistan) + KZ-79 (Shymkent city), because neither child kept
  its name.

The split year itself follows the statistics office: the Bureau of National Statistics
publishes 2022 annual figures (and the 1 Jan 2022 population) for the new regions, and
whole-year 2018 figures for Turkistan and Shymkent separately, so the new boundaries
apply from 2022 and from 2018 respectively (:data:`SPLITS`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import shapely

from geo.errors import GeoDataError, Problem
from geo.layers import load_layer


@dataclass(frozen=True)
class Split:
    """One boundary change: before ``first_year``, ``children`` belonged to ``parent``.

    Parameters
    ----------
    parent : str
        Code of the pre-split territory (see the module docstring).
    children : tuple of str
        Current codes that made up the parent (the parent's own current code first, if it
        kept one).
    first_year : int
        First calendar year the statistics office publishes for the new regions.
    name_en : str
        English name of the pre-split territory.
    """

    parent: str
    children: tuple[str, ...]
    first_year: int
    name_en: str


#: Kazakhstan's boundary changes since 2018 (June 2018; June 2022).
SPLITS: tuple[Split, ...] = (
    Split("KZ-YUZ", ("KZ-61", "KZ-79"), 2018, "South Kazakhstan region"),
    Split("KZ-63", ("KZ-63", "KZ-10"), 2022, "East Kazakhstan region (incl. Abai)"),
    Split("KZ-19", ("KZ-19", "KZ-33"), 2022, "Almaty Region (incl. Zhetysu)"),
    Split("KZ-35", ("KZ-35", "KZ-62"), 2022, "Karaganda region (incl. Ulytau)"),
)
YEAR_MIN, YEAR_MAX = 1991, 2100


def region_codes_for_year(year: int) -> dict[str, str]:
    """Map each current region code to the code of the territory it belonged to in ``year``.

    Parameters
    ----------
    year : int

    Returns
    -------
    dict
        ``{current code: code in that year}`` for every code touched by :data:`SPLITS`
        (identity for the unsplit ones is implied: codes not in the dict map to themselves).
    """
    out: dict[str, str] = {}
    for split in SPLITS:
        if year < split.first_year:
            for child in split.children:
                out[child] = split.parent
    return out


def oblasts_for_year(year: int) -> gpd.GeoDataFrame:
    """The oblast polygons as they were in ``year`` (children dissolved into parents).

    Parameters
    ----------
    year : int
        Calendar year, 1991-2100.

    Returns
    -------
    geopandas.GeoDataFrame
        The columns of the ``oblasts`` layer plus ``boundary_year`` (first year these
        boundaries apply: 2022, 2018 or 1991) and ``children`` (";"-joined current codes a
        dissolved parent is made of; empty otherwise). A dissolved parent's ``area_km2`` is
        the sum of its children's, ``borders_*`` true if any child's is, ``name_en`` the
        former name. EPSG:4326, indexed by code like the layer; row order follows the layer
        (a parent takes its first child's place).

    Raises
    ------
    GeoDataError
        ``year`` not a whole number in range.
    """
    if isinstance(year, bool) or not isinstance(year, int) or not YEAR_MIN <= year <= YEAR_MAX:
        raise GeoDataError(Problem("boundaries", repr(year),
                                   f"year must be a whole number {YEAR_MIN}-{YEAR_MAX}"))
    layer = load_layer("oblasts")
    layer.index = range(len(layer))
    mapping = region_codes_for_year(year)
    applied = [s for s in SPLITS if year < s.first_year]
    layer["boundary_year"] = max([YEAR_MIN] + [s.first_year for s in SPLITS
                                               if year >= s.first_year])
    layer["children"] = ""
    if not mapping:
        return _by_code(layer)
    keep = ~layer["code"].isin(mapping)
    rows = [layer[keep]]
    for split in applied:
        parts = layer[layer["code"].isin(split.children)]
        missing = sorted(set(split.children) - set(parts["code"]))
        if missing:
            raise GeoDataError(Problem("oblasts", split.parent,
                                       f"layer lacks child region(s) {', '.join(missing)}"))
        first = parts.iloc[[0]].copy()
        first["code"] = split.parent
        first["name_en"] = split.name_en
        first["name_ru"] = ""
        first["name_local"] = ""
        first["area_km2"] = round(float(parts["area_km2"].sum()), 1)
        for col in ("borders_kz_kg", "borders_cn"):
            first[col] = bool(parts[col].any())
        first["children"] = ";".join(split.children)
        first = first.set_geometry([shapely.union_all(parts.geometry.to_numpy())],
                                   crs=layer.crs)
        first.index = [int(parts.index.min())]
        rows.append(first)
    out = pd.concat(rows).sort_index(kind="stable")
    return _by_code(gpd.GeoDataFrame(out, geometry="geometry", crs=layer.crs))


def _by_code(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    gdf.index = pd.Index(gdf["code"].to_list())
    return gdf


def map_coverage(regions_with_data: Iterable[str], year: int) -> tuple[int, int]:
    """How many of the regions drawn for ``year`` have a figure (for the legend).

    Parameters
    ----------
    regions_with_data : iterable of str
        Region codes of a choropleth table (:func:`geo.indicators.regional_table`).
    year : int

    Returns
    -------
    (int, int)
        Regions with data among those of that year's map, and how many there are (the
        polygons of :func:`oblasts_for_year` plus the symbol-only codes of
        :data:`geo.indicators.CODES_WITHOUT_SHAPE`). Codes of another vintage (a 2019 row
        under ``KZ-33``) are not counted.
    """
    from geo.indicators import CODES_WITHOUT_SHAPE

    drawn = set(oblasts_for_year(year)["code"]) | set(CODES_WITHOUT_SHAPE)
    have = set(regions_with_data) & drawn
    return len(have), len(drawn)
