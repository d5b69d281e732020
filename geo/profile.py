"""The routing profile: every speed, dwell, waiting and cost parameter in one place.

A :class:`Profile` is immutable; derive a variant with :meth:`Profile.replace`
(``DEFAULT_PROFILE.replace(speed_kph={"mountain": 30})``) or load overrides from a
TOML file with :meth:`Profile.from_toml`. Figures with a published basis say so
in :data:`PARAMETER_SOURCES`; the rest are stated assumptions, meant to be overridden.
"""

from __future__ import annotations

import calendar
import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from geo.errors import GeoDataError, Problem


def _d(**kw: float) -> dict[str, float]:
    return dict(kw)


def _is_month_day(text: object) -> bool:
    """``"MM-DD"`` naming a real day (29 February allowed)."""
    if not isinstance(text, str) or len(text) != 5 or text[2] != "-":
        return False
    try:
        month, day = int(text[:2]), int(text[3:])
    except ValueError:
        return False
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(2024, month)[1]


@dataclass(frozen=True)
class Profile:
    """Parameters that turn segment lengths into hours and US dollars per tonne.

    Attributes
    ----------
    speed_kph : dict
        Average truck or train speed by ``road_class`` (``highway``, ``urban``,
        ``mountain``, ``border``, ``rail``).
    ferry_crossing_h : float
        Caspian ferry crossing including loading (18-24 h, up to 30 h published).
    ferry_wait_h : float
        Expected wait for a departure (no fixed timetable).
    crossing_time_h : dict
        Default time at a border post when the checkpoint layer has no figure,
        by ``"<country>:<mode>"`` (CAREC CPMM national averages).
    weekend_wait_h : float
        Expected extra wait at a crossing shut on Saturday and Sunday, for a
        truck arriving at a uniformly random hour: 48/168 of arrivals wait 24 h on
        average, about 6.9 h.
    holiday_dates : dict
        Your own holiday dates for a calendar (``CN``, ``KZ``, ``KG``), as ``"MM-DD"``,
        closing its posts on those days every year. Empty by default: posts then close on
        the year-specific statutory holidays of ``layers/holidays.csv`` (the Spring Festival
        moves every year); a calendar named here replaces the table's dates for it.
    truck_queue_h : dict
        Your assumption of the truck queue, in hours, by the post where it forms
        (``ak-tilek``: leaving Kyrgyzstan for Karasu). Empty by default: no source publishes
        a waiting time, and the route says "queue: unknown".
    utc_offset_h : dict
        Standard time of each country (hours ahead of UTC), to carry a departure's
        local time to each post's local time.
    cost_usd_per_tkm : dict
        Haulage rate per mode (``road``, ``rail``, ``ferry``), USD per tonne-km.
    ferry_fee_usd_per_t : float
        Port and ferry charges per tonne on top of the per-km rate.
    crossing_cost_usd : dict
        Cost per truck per border crossing by country (CAREC TFI2).
    payload_t : float
        Tonnes per truck, to turn per-truck costs into per-tonne costs.
    max_snap_km : float
        A point further than this from every corridor is refused.
    """

    speed_kph: dict[str, float] = field(
        default_factory=lambda: _d(
            highway=65.0, urban=35.0, mountain=35.0, border=30.0, rail=40.0, sea=20.0
        )
    )
    ferry_crossing_h: float = 21.0
    ferry_wait_h: float = 24.0
    crossing_time_h: dict[str, float] = field(
        default_factory=lambda: {
            "KZ:road": 4.2,
            "KG:road": 1.3,
            "CN:road": 2.0,
            "KZ:rail": 69.7,
            "KG:rail": 1.3,
            "CN:rail": 24.0,
        }
    )
    weekend_wait_h: float = 48 / 168 * 24
    holiday_dates: dict[str, tuple[str, ...]] = field(default_factory=dict)
    truck_queue_h: dict[str, float] = field(default_factory=dict)
    utc_offset_h: dict[str, float] = field(default_factory=lambda: _d(KZ=5.0, KG=6.0, CN=8.0))
    cost_usd_per_tkm: dict[str, float] = field(
        default_factory=lambda: _d(road=0.07, rail=0.04, ferry=0.10)
    )
    ferry_fee_usd_per_t: float = 15.0
    crossing_cost_usd: dict[str, float] = field(
        default_factory=lambda: _d(KZ=123.0, KG=116.0, CN=123.0)
    )
    payload_t: float = 20.0
    max_snap_km: float = 25.0

    def replace(self, **changes: Any) -> Profile:
        """Return a copy with ``changes``; dict parameters are merged, not replaced."""
        problems = []
        names = {f.name for f in fields(self)}
        merged: dict[str, Any] = {}
        for key, value in changes.items():
            if key not in names:
                problems.append(
                    Problem("profile", key, f"unknown parameter; one of {sorted(names)}")
                )
                continue
            current = getattr(self, key)
            if isinstance(current, dict):
                if not isinstance(value, dict):
                    problems.append(Problem("profile", key, "expects a table of values"))
                    continue
                merged[key] = {**current, **value}
            else:
                merged[key] = value
        new = replace(self, **merged)
        try:
            new.validate()
        except GeoDataError as err:
            problems += err.problems
        if problems:
            raise GeoDataError(problems)
        return new

    @classmethod
    def from_toml(cls, path: str | Path) -> Profile:
        """The default profile with the overrides in a TOML file."""
        try:
            data = tomllib.loads(Path(path).read_text())
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise GeoDataError(Problem(str(path), "", f"cannot read profile: {exc}")) from None
        return DEFAULT_PROFILE.replace(**data)

    def validate(self) -> None:
        """Raise :class:`GeoDataError` listing every non-positive or missing parameter."""
        problems = []
        for code, dates in self.holiday_dates.items():
            for d in dates if isinstance(dates, (list, tuple)) else [dates]:
                if not _is_month_day(d):
                    problems.append(
                        Problem("profile", f"holiday_dates.{code}", f"{d!r} is not MM-DD")
                    )
        for key, value in asdict(self).items():
            if key == "holiday_dates":
                continue
            values = value.items() if isinstance(value, dict) else [("", value)]
            for sub, v in values:
                where = f"{key}.{sub}" if sub else key
                if isinstance(v, bool) or not isinstance(v, (int, float)):
                    problems.append(Problem("profile", where, f"must be a number, got {v!r}"))
                elif key == "utc_offset_h":
                    continue
                elif v < 0 or (key in ("speed_kph", "payload_t", "max_snap_km") and v == 0):
                    problems.append(Problem("profile", where, f"must be positive, got {v}"))
        for cls_ in ("highway", "urban", "mountain", "border", "rail", "sea"):
            if cls_ not in self.speed_kph:
                problems.append(Problem("profile", f"speed_kph.{cls_}", "missing"))
        if problems:
            raise GeoDataError(problems)

    def default_crossing_h(self, country: str, mode: str) -> float:
        """National average time at a border post of ``country`` for ``mode``."""
        return self.crossing_time_h.get(f"{country}:{mode}", self.crossing_time_h["KZ:road"])

    def holiday_wait_h(self, month: int | None, calendar_code: str = "CN") -> float:
        """Expected wait for holiday closures when arriving at a random time of ``month``.

        Each run of ``d`` consecutive closed days in a month of ``D`` days is hit with
        probability d/D and then costs d/2 days on average: the sum of d**2 / (2 D)
        days. Without a month, the average over the year.
        """
        if month is None:
            return sum(self.holiday_wait_h(m, calendar_code) for m in range(1, 13)) / 12
        days_in_month = calendar.monthrange(2025, month)[1]
        closed = sorted(
            int(d[3:]) for d in self.holiday_dates.get(calendar_code, ()) if int(d[:2]) == month
        )
        runs: list[int] = []
        for i, day in enumerate(closed):
            if i and day == closed[i - 1] + 1:
                runs[-1] += 1
            else:
                runs.append(1)
        return sum(d * d for d in runs) / (2 * days_in_month) * 24


DEFAULT_PROFILE = Profile()

#: Where each default comes from; "assumption" marks an indicative figure with no published basis.
PARAMETER_SOURCES: dict[str, str] = {
    "speed_kph": "assumption: truck averages incl. stops (65 trunk road, 35 mountain and town, "
    "30 on the border roads); rail 40 km/h is about 1,000 km a day, the KTZ container-train norm",
    "ferry_crossing_h": "corridor-facts 3a: crossing 18-24 h incl. loading, up to 30 h "
    "(sr-center.info; travelogues)",
    "ferry_wait_h": "assumption: no fixed timetable (corridor-facts 3a), one day's wait",
    "crossing_time_h": "CAREC CPMM 2023 national averages: KZ road 4.2 h, KG road 1.3 h, "
    "KZ rail 69.7 h, KG rail 1.3 h (corridor-facts 4); CN road 2.0 h and CN rail 24 h are "
    "assumptions (no published figure in the project's sources)",
    "weekend_wait_h": "derived: Torugart and Irkeshtam shut Sat-Sun (corridor-facts 2b)",
    "holiday_dates": "none by default: the year-specific statutory holidays of CN, KZ and KG "
    "2024-2030 come from layers/holidays.csv (pinned holidays==0.108, see PROVENANCE); "
    "Torugart and Irkeshtam close on the CN ones (layers/sources/closures.csv); no source says "
    "a KZ-KG post closes on KZ or KG holidays",
    "truck_queue_h": "none by default (the route says 'queue: unknown'): no published waiting "
    "time at Karasu/Ak-Tilek, only episodes: 493 trucks queued to leave KG at Ak-Tilek with "
    "112 leaving the day before (KG Border Service, gps.gov.kg 2023-08-23); 468 on 22 Dec 2023; "
    "drivers waiting 'the second and third day' (vb.kg 386287, March 2020) or three days "
    "(MIR 24, 9 Jun 2023); no queue on 23 May 2022 (kaktus.media 460366)",
    "utc_offset_h": "KZ: single time zone UTC+5 from 1 March 2024 (government decree of "
    "19 Jan 2024, The Astana Times 2024-01-22); KG UTC+6 and CN UTC+8 (Beijing time, "
    "used at the ports): the countries' standard times",
    "cost_usd_per_tkm": "assumption: indicative haulage rates, override with your own quotes",
    "ferry_fee_usd_per_t": "assumption: indicative port and ferry charges",
    "crossing_cost_usd": "CAREC CPMM TFI2: KZ road $123 (2020), KG $116 (2023); CN assumed "
    "equal to KZ (corridor-facts 4)",
    "payload_t": "assumption: a 20 t truck load",
    "max_snap_km": "assumption: farther than this from every corridor is not on the network",
}
