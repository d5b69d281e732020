"""Year-specific public holidays of China, Kazakhstan and Kyrgyzstan for the routing calendar.

Writes ``layers/holidays.csv`` (``calendar, date, name, kind, source``) for the years
:data:`YEARS` from the pinned registry package ``holidays`` (build extra; never imported at
run time: the app reads the CSV). ``kind`` is ``statutory`` (the holiday itself),
``observed`` (a statutory day moved off a weekend) or ``substituted`` (a day off swapped
with a working weekend day; China publishes these a year ahead, so later years have none).

Which posts close on which calendar is not decided here: ``layers/sources/closures.csv``
names a post's ``holiday_calendar`` only where a source says so, and routing closes such
posts on the ``statutory`` days of that calendar (see PROVENANCE for the evidence).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from geo.build.common import BuiltFile, Source, sha256_of

FILE = "holidays.csv"
YEARS = range(2024, 2031)
CALENDARS = ("CN", "KZ", "KG")
VERSION = "0.108"
#: sha256 of the pinned wheel (holidays-0.108-py3-none-any.whl) as the registry serves it;
#: checked when the wheel is in the sources folder (``make sources``).
WHEEL_SHA256 = "5a08fdccd0b8737093d483ba0d0d9696560396d99d3fa6ef9264fd2ac48749c7"
WHEEL = f"holidays-{VERSION}-py3-none-any.whl"
COLUMNS = ("calendar", "date", "name", "kind", "source")


def kind_of(name: str) -> str:
    """``statutory``, ``observed`` or ``substituted`` from the package's holiday name."""
    if name.startswith("Day off (substituted"):
        return "substituted"
    if "(observed)" in name:
        return "observed"
    return "statutory"


def rows(years: range = YEARS) -> list[dict[str, str]]:
    """Every holiday of the three calendars in ``years``, sorted by calendar and date.

    Raises
    ------
    RuntimeError
        When the installed ``holidays`` is not the pinned version (the table would change).
    """
    import holidays

    if holidays.__version__ != VERSION:
        raise RuntimeError(
            f"holidays {holidays.__version__} installed, the build pins {VERSION}: "
            "run `make layers` (it installs the build extra)"
        )
    out = []
    for cal in CALENDARS:
        table = holidays.country_holidays(cal, years=years, language="en_US")
        for day, name in sorted(table.items()):
            out.append(
                {
                    "calendar": cal,
                    "date": day.isoformat(),
                    "name": name,
                    "kind": kind_of(name),
                    "source": f"holidays=={VERSION}",
                }
            )
    return out


def build(sources_dir: Path, out: Path) -> list[BuiltFile]:
    """Write ``holidays.csv`` into ``out`` from the ``holidays`` package of the build extra.

    Raises
    ------
    RuntimeError
        When the pinned wheel in ``sources_dir`` does not have the recorded checksum.
    """
    wheel = Path(sources_dir) / WHEEL
    if wheel.exists() and sha256_of(wheel) != WHEEL_SHA256:
        raise RuntimeError(f"{wheel}: sha256 differs from the pinned {WHEEL_SHA256}")
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    table = rows()
    w.writerows(table)
    (out / FILE).write_text(buf.getvalue(), encoding="utf-8")
    source = Source(
        key="holidays",
        title="Public holidays of CN, KZ and KG by year (python-holidays)",
        package=f"pypi:holidays=={VERSION}",
        licence="MIT",
        attribution="vacanza/holidays (Open World Holidays Framework)",
        file=f"{WHEEL}: holidays.country_holidays (CN, KZ, KG)",
        sha256=WHEEL_SHA256,
    )
    steps = [
        f"holidays.country_holidays for {', '.join(CALENDARS)}, years {YEARS.start}-"
        f"{YEARS.stop - 1}, English names; kind: statutory, observed (moved off a weekend) or "
        "substituted (swapped with a working weekend day, published by the State Council a "
        "year ahead, so none after 2026 in this version)",
        "Routing closes a post on the statutory days of the calendar that "
        "layers/sources/closures.csv gives it (holiday_calendar). Evidence that the KG-CN "
        "posts close on the statutory days only: 2024 Spring Festival closure 10-12 Feb "
        "(24.kg 286220; the week off ran 10-17 Feb); 2025 National Day and Mid-Autumn closures "
        "1-3 and 6 Oct, normal from 7 Oct (24.kg 345378); Qingming 4 Apr 2025 (kursiv.media "
        "2025-04-01); Dragon Boat 31 May 2025, normal from 1 Jun (centralasia-research.org "
        "46867). Older notices closed whole weeks (Spring Festival 24-30 Jan 2020, zakon.kz "
        "5003122) and also Kurban Ait (22-26 Aug 2018, Xinjiang; not in this table)",
        "KZ and KG calendars are listed but close no post: no source found says the KZ-KG "
        "posts close on national holidays (KG Border Service notices report them working "
        "'в штатном режиме' on holidays, gps.gov.kg 2023-05-06). One notice closed the KZ-CN "
        "road posts except ICBC Khorgos on 1, 7 and 9 May 2024 (KNB via nur.kz 2093996): a "
        "single episode, not encoded as a KZ calendar",
    ]
    return [BuiltFile(FILE, len(table), "none (table)", [source], steps)]
