"""The routing profile: every speed, dwell, waiting and cost parameter in one place.

A :class:`Profile` is immutable; derive a variant with :meth:`Profile.replace`
(``DEFAULT_PROFILE.replace(speed_kph={"mountain": 30})``) or load overrides from a
TOML file with :meth:`Profile.from_toml`. Figures with a published basis say so
in :data:`PARAMETER_SOURCES`; the rest are stated assumptions, meant to be overridden.
"""

from __future__ import annotations

import calendar
import difflib
import math
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from geo.errors import GeoDataError, Problem, display_path, os_reason

#: A profile file larger than this is refused unread (a profile is a few hundred bytes).
MAX_PROFILE_BYTES = 64 * 1024

#: Allowed range ``(low, high)`` of every numeric parameter (both ends included); a value
#: must also be a finite number (TOML's ``nan`` and ``inf`` are refused). docs/layers.md
#: ("Routing profile") lists the same table.
PARAMETER_RANGES: dict[str, tuple[float, float]] = {
    "speed_kph": (1.0, 200.0),
    "ferry_crossing_h": (0.0, 240.0),
    "ferry_wait_h": (0.0, 720.0),
    "crossing_time_h": (0.0, 720.0),
    "weekend_wait_h": (0.0, 48.0),
    "utc_offset_h": (-12.0, 14.0),
    "cost_usd_per_tkm": (0.0, 10.0),
    "ferry_fee_usd_per_t": (0.0, 1000.0),
    "crossing_cost_usd": (0.0, 100_000.0),
    "payload_t": (0.1, 100.0),
    "max_snap_km": (0.1, 500.0),
    "truck_queue_h": (0.0, 720.0),
}

#: Keys every table parameter must have (the code looks them up).
REQUIRED_KEYS: dict[str, tuple[str, ...]] = {
    "speed_kph": ("highway", "urban", "mountain", "border", "rail", "sea"),
    "crossing_time_h": ("KZ:road",),
    "cost_usd_per_tkm": ("road", "rail", "ferry"),
}

#: Keys a table parameter may have: a fixed set, or a pattern.
_ALLOWED_KEYS: dict[str, frozenset[str] | re.Pattern[str]] = {
    "speed_kph": frozenset(REQUIRED_KEYS["speed_kph"]),
    "cost_usd_per_tkm": frozenset(REQUIRED_KEYS["cost_usd_per_tkm"]),
    "crossing_time_h": re.compile(r"[A-Z]{2}:(road|rail)"),
    "utc_offset_h": re.compile(r"[A-Z]{2}"),
    "crossing_cost_usd": re.compile(r"[A-Z]{2}"),
    "holiday_dates": frozenset({"CN", "KZ", "KG"}),
    # the posts where a truck queue forms (geo.routing.TRUCK_QUEUES)
    "truck_queue_h": frozenset({"ak-tilek"}),
}


def _d(**kw: float) -> dict[str, float]:
    return dict(kw)


def _is_month_day(text: object) -> bool:
    """``"MM-DD"`` naming a real day (29 February allowed)."""
    if not isinstance(text, str) or not re.fullmatch(r"[0-9]{2}-[0-9]{2}", text):
        return False
    month, day = int(text[:2]), int(text[3:])
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
    utc_offset_h: dict[str, float] = field(
        default_factory=lambda: _d(KZ=5.0, KG=6.0, CN=8.0, UZ=5.0, AZ=4.0, GE=4.0, TR=3.0)
    )
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
                problems.append(Problem("profile", key, _unknown_parameter(self, key)))
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
        """The default profile with the overrides in a TOML file.

        The file is read up to :data:`MAX_PROFILE_BYTES` (``/dev/zero`` is refused, not read
        forever) and named in messages relative to the project (never an absolute path).
        """
        source = display_path(path)
        try:
            with open(path, "rb") as fh:
                raw = fh.read(MAX_PROFILE_BYTES + 1)
        except OSError as exc:
            raise GeoDataError(
                Problem(source, "", f"cannot read profile: {os_reason(exc)}")
            ) from None
        return cls.from_toml_bytes(raw, source)

    @classmethod
    def from_toml_bytes(cls, raw: bytes, source: str = "profile") -> Profile:
        """The default profile with the overrides in ``raw``, the bytes of a TOML file.

        Parameters
        ----------
        raw : bytes
            UTF-8 TOML text, at most :data:`MAX_PROFILE_BYTES`.
        source : str
            How messages name the profile.

        Raises
        ------
        GeoDataError
            Too large, not UTF-8, not TOML, or any parameter unknown, of the wrong type or
            outside :data:`PARAMETER_RANGES` (every problem listed).
        """

        def refuse(reason: str) -> GeoDataError:
            return GeoDataError(Problem(source, "", f"cannot read profile: {reason}"))

        if len(raw) > MAX_PROFILE_BYTES:
            raise refuse(f"larger than {MAX_PROFILE_BYTES // 1024} KiB")
        try:
            data = tomllib.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise refuse(f"not UTF-8 text (byte {exc.start})") from None
        except tomllib.TOMLDecodeError as exc:
            raise refuse(str(exc)) from None
        except RecursionError:
            raise refuse("nested too deeply") from None
        try:
            return DEFAULT_PROFILE.replace(**data)
        except GeoDataError as err:
            raise GeoDataError(
                [Problem(source, p.where, p.reason) for p in err.problems]
            ) from None

    def validate(self) -> None:
        """Raise :class:`GeoDataError` listing every parameter of the wrong type or out of range.

        Numbers must be finite and inside :data:`PARAMETER_RANGES`; tables must have the keys
        of :data:`REQUIRED_KEYS` and no unknown keys; holiday dates are ``"MM-DD"`` strings,
        each given once.
        """
        problems: list[Problem] = []
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "holiday_dates":
                problems += _check_holidays(value)
            elif f.name in _ALLOWED_KEYS or f.name in REQUIRED_KEYS:
                if not isinstance(value, dict):
                    problems.append(Problem("profile", f.name, "expects a table of values"))
                    continue
                problems += _check_keys(f.name, value)
                for sub, v in value.items():
                    problems += _check_number(f"{f.name}.{sub}", v, PARAMETER_RANGES[f.name])
            else:
                problems += _check_number(f.name, value, PARAMETER_RANGES[f.name])
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


def _unknown_parameter(profile: Profile, key: str) -> str:
    names = sorted(f.name for f in fields(profile))
    close = difflib.get_close_matches(key, names, n=3)
    tables = [
        f"{f.name}.{key}"
        for f in fields(profile)
        if isinstance(getattr(profile, f.name), dict) and key in getattr(profile, f.name)
    ]
    hint = close + [f"[{t.split('.')[0]}] {key}" for t in tables]
    if hint:
        return f"unknown parameter; did you mean {', '.join(repr(h) for h in hint)}?"
    return f"unknown parameter; one of {names}"


def _check_number(where: str, v: Any, bounds: tuple[float, float]) -> list[Problem]:
    low, high = bounds
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return [Problem("profile", where, f"must be a number, got {v!r}")]
    if not math.isfinite(v):
        return [Problem("profile", where, f"must be a finite number, got {v}")]
    if v < low:
        return [Problem("profile", where, f"must be >= {low:g}, got {v}")]
    if v > high:
        return [Problem("profile", where, f"must be <= {high:g}, got {v}")]
    return []


def _check_keys(name: str, table: dict[str, Any]) -> list[Problem]:
    problems = []
    allowed = _ALLOWED_KEYS.get(name)
    for key in table:
        if isinstance(allowed, frozenset) and key not in allowed:
            close = difflib.get_close_matches(str(key), sorted(allowed), n=2)
            hint = f"did you mean {', '.join(map(repr, close))}? " if close else ""
            problems.append(
                Problem("profile", f"{name}.{key}", f"unknown key; {hint}one of {sorted(allowed)}")
            )
        elif isinstance(allowed, re.Pattern) and not allowed.fullmatch(str(key)):
            problems.append(
                Problem("profile", f"{name}.{key}", f"key must match {allowed.pattern!r}")
            )
    for key in REQUIRED_KEYS.get(name, ()):
        if key not in table:
            problems.append(Problem("profile", f"{name}.{key}", "missing"))
    return problems


def _check_holidays(value: Any) -> list[Problem]:
    if not isinstance(value, dict):
        return [Problem("profile", "holiday_dates", "expects a table of calendars")]
    problems = _check_keys("holiday_dates", value)
    for code, dates in value.items():
        where = f"holiday_dates.{code}"
        if not isinstance(dates, (list, tuple)):
            problems.append(
                Problem("profile", where, f"expects a list of \"MM-DD\" dates, got {dates!r}")
            )
            continue
        seen: set[str] = set()
        for d in dates:
            if not _is_month_day(d):
                problems.append(Problem("profile", where, f"{d!r} is not MM-DD"))
            elif d in seen:
                problems.append(Problem("profile", where, f"{d!r} is given twice"))
            else:
                seen.add(d)
    return problems


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
    "used at the ports); UZ UTC+5, AZ UTC+4, GE UTC+4, TR UTC+3: the countries' standard "
    "times, none of them with daylight saving time (IANA time zone database: Asia/Almaty, "
    "Asia/Bishkek, Asia/Shanghai, Asia/Tashkent, Asia/Baku, Asia/Tbilisi, Europe/Istanbul)",
    "cost_usd_per_tkm": "assumption: indicative haulage rates, override with your own quotes",
    "ferry_fee_usd_per_t": "assumption: indicative port and ferry charges",
    "crossing_cost_usd": "CAREC CPMM TFI2: KZ road $123 (2020), KG $116 (2023); CN assumed "
    "equal to KZ (corridor-facts 4)",
    "payload_t": "assumption: a 20 t truck load",
    "max_snap_km": "assumption: farther than this from every corridor is not on the network",
}
