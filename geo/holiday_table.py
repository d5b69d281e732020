"""The days a border post closes for public holidays, by calendar and year.

The year-specific dates come from ``layers/holidays.csv`` (built by
:mod:`geo.build.holidays` from the pinned ``holidays`` package; the Spring Festival moves
every year). A post closes on the ``statutory`` days of its calendar (the layer's
``holiday_calendar``, given only where a source says so). A calendar named in the profile's
``holiday_dates`` replaces the table: its ``"MM-DD"`` dates close the post every year.

Two uses:

- :meth:`ClosingDays.name_on` for a departure's calendar (which holiday, if any, a date is);
- :func:`expected_holiday_wait` for the expected extra wait of an arrival at a random time of
  a month, averaged over the table's years, on top of the weekly schedule.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from geo.errors import GeoDataError, Problem

HOLIDAYS_CSV = Path(__file__).resolve().parent.parent / "layers" / "holidays.csv"
_SLOT_MIN = 15
_SLOTS_PER_DAY = 24 * 60 // _SLOT_MIN


def short_name(name: str) -> str:
    """A holiday's name as a dispatcher says it (``Spring Festival`` for the eve and days)."""
    if "Chinese New Year" in name or "Spring Festival" in name:
        return "Spring Festival"
    return name.replace("; ", " + ")


@dataclass(frozen=True, eq=False)
class ClosingDays:
    """The holiday days that close posts of one calendar.

    Attributes
    ----------
    calendar : str
        ``CN``, ``KZ`` or ``KG``.
    days : dict
        ``date -> holiday name`` over :attr:`years`.
    years : tuple of int
        The years the dates cover (the table's years).
    basis : str
        Where the dates come from (the table, or the profile's override).
    """

    calendar: str
    days: dict[date, str]
    years: tuple[int, ...]
    basis: str

    def name_on(self, day: date) -> str | None:
        """The holiday's name if ``day`` closes the post, else None."""
        return self.days.get(day)

    def run_of(self, day: date) -> tuple[date, date]:
        """First and last day of the run of consecutive closing days around ``day``."""
        first = last = day
        while first - timedelta(days=1) in self.days:
            first -= timedelta(days=1)
        while last + timedelta(days=1) in self.days:
            last += timedelta(days=1)
        return first, last

    def label(self, day: date) -> str:
        """``"CN Spring Festival, 3 days (10-12 Feb 2024)"`` for a closing ``day``."""
        first, last = self.run_of(day)
        n = (last - first).days + 1
        names = []
        for i in range(n):
            s = short_name(self.days[first + timedelta(days=i)])
            if s not in names:
                names.append(s)
        when = (
            f"{first:%d %b %Y}"
            if n == 1
            else f"{first:%d}-{last:%d %b %Y}"
            if first.month == last.month
            else f"{first:%d %b}-{last:%d %b %Y}"
        )
        return f"{self.calendar} {' / '.join(names)}, {n} day{'s' if n > 1 else ''} ({when})"


@functools.lru_cache(maxsize=4)
def load_table(path: str = str(HOLIDAYS_CSV)) -> dict[str, dict[date, str]]:
    """The statutory holidays by calendar from ``layers/holidays.csv``.

    Raises
    ------
    GeoDataError
        When the table is missing or a row is malformed.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise GeoDataError(Problem(p.name, "", f"cannot read: {exc}; run `make layers`")) from None
    out: dict[str, dict[date, str]] = {}
    problems = []
    for i, row in enumerate(csv.DictReader(text.splitlines()), start=2):
        try:
            day = date.fromisoformat(row["date"])
        except (KeyError, TypeError, ValueError):
            problems.append(Problem(p.name, f"line {i}", f"bad date {row.get('date')!r}"))
            continue
        if row.get("kind") == "statutory":
            out.setdefault(row["calendar"], {})[day] = row["name"]
    if problems:
        raise GeoDataError(problems)
    return out


def table_years() -> tuple[int, ...]:
    """The years the shipped table covers."""
    years = {d.year for days in load_table().values() for d in days}
    return tuple(sorted(years))


@functools.lru_cache(maxsize=64)
def closing_days(calendar: str, override: tuple[str, ...] | None = None) -> ClosingDays:
    """The closing days of ``calendar``: the table's, or every year on ``override`` (MM-DD)."""
    years = table_years()
    if override is None:
        return ClosingDays(
            calendar,
            dict(load_table().get(calendar, {})),
            years,
            f"{calendar} statutory holidays {years[0]}-{years[-1]} (layers/holidays.csv)",
        )
    days = {}
    for y in years:
        for md in override:
            try:
                days[date(y, int(md[:2]), int(md[3:]))] = "holiday (profile)"
            except ValueError:  # 29 February in a common year
                continue
    return ClosingDays(calendar, days, years, f"{calendar} holiday dates from the profile")


def _closed_slots(
    start: date, n_days: int, weekend_closed: bool, open_hours: tuple[float, float] | None,
    holidays: ClosingDays | None, shift_min: int,
) -> np.ndarray:
    """Closed 15-minute slots from ``start`` 00:00 (reference clock) for ``n_days``.

    The post's local time is the reference time plus ``shift_min`` minutes.
    """
    minutes = np.arange(n_days * _SLOTS_PER_DAY) * _SLOT_MIN + shift_min
    day_idx = minutes // (24 * 60)
    minute_of_day = minutes % (24 * 60)
    closed = np.zeros(len(minutes), dtype=bool)
    first = day_idx.min()
    span = np.arange(first, day_idx.max() + 1)
    if weekend_closed:
        weekday = (start.weekday() + span) % 7
        closed |= (weekday >= 5)[day_idx - first]
    if holidays is not None:
        hol = np.array([start + timedelta(days=int(k)) in holidays.days for k in span])
        closed |= hol[day_idx - first]
    if open_hours is not None:
        hour = minute_of_day / 60
        closed |= (hour < open_hours[0]) | (hour >= open_hours[1])
    return closed


def _waits_h(closed: np.ndarray) -> np.ndarray:
    """Hours from each slot to the next open slot (0 where open)."""
    n = len(closed)
    idx = np.where(closed, n, np.arange(n))
    next_open = np.minimum.accumulate(idx[::-1])[::-1]
    return (next_open - np.arange(n)) * (_SLOT_MIN / 60)


Rule = tuple[bool, tuple[float, float] | None, ClosingDays | None, float]


@functools.lru_cache(maxsize=128)
def _daily_extra_h(rules: tuple[Rule, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Per day of the table's years: the mean extra wait the holidays add for an arrival
    that day (uniform over its 15-minute slots), and the day's month."""
    years = next(r[2] for r in rules if r[2] is not None).years
    start = date(years[0], 1, 1)
    n_real = (date(years[-1] + 1, 1, 1) - start).days
    n_days = n_real + 30  # closures run past 31 December
    with_h = np.zeros(n_days * _SLOTS_PER_DAY, dtype=bool)
    without = with_h.copy()
    for weekend, hours, days, shift_h in rules:
        shift = round(shift_h * 60)
        with_h |= _closed_slots(start, n_days, weekend, hours, days, shift)
        without |= _closed_slots(start, n_days, weekend, hours, None, shift)
    extra = (_waits_h(with_h) - _waits_h(without))[: n_real * _SLOTS_PER_DAY]
    daily = extra.reshape(n_real, _SLOTS_PER_DAY).mean(axis=1)
    months = np.array([(start + timedelta(days=k)).month for k in range(n_real)])
    return daily, months


@functools.lru_cache(maxsize=512)
def expected_holiday_wait(rules: tuple[Rule, ...], month: int | None) -> tuple[float, str]:
    """Expected extra wait the holidays add at a crossing, and which holidays they are.

    ``rules`` holds one ``(weekend_closed, open_hours, closing_days, shift_h)`` per post
    (``shift_h``: the post's clock ahead of the first post's). A truck arrives at a uniformly
    random time of ``month`` (of any month without one) in one of the table's years; the wait
    until both posts are open is worked out on the real calendar with and without the
    holidays, and the difference is the holidays' share.
    """
    cals = [r[2] for r in rules if r[2] is not None]
    if not cals:
        return 0.0, ""
    years = cals[0].years
    daily, months = _daily_extra_h(rules)
    extra = float(daily.mean() if month is None else daily[months == month].mean())
    # which holidays: every run of closing days that starts in the month, by year
    seen: dict[str, list[int]] = {}
    for cal in dict.fromkeys(cals):
        for day in sorted(cal.days):
            if (month is not None and day.month != month) or day - timedelta(days=1) in cal.days:
                continue
            first, last = cal.run_of(day)
            n = (last - first).days + 1
            names = dict.fromkeys(short_name(cal.days[first + timedelta(days=i)])
                                  for i in range(n))
            key = f"{cal.calendar} {' / '.join(names)}, {n} day{'s' if n > 1 else ''}"
            seen.setdefault(key, []).append(day.year)
    parts = []
    for key, ys in seen.items():
        span = "every year" if len(ys) == len(years) else ", ".join(str(y) for y in ys)
        parts.append(f"{key} ({span})")
    when = f"arrival in month {month}" if month else "arrival at any time of year"
    basis = "; ".join(dict.fromkeys(c.basis for c in cals))
    if not parts:
        return extra, f"no holiday closes the post in month {month} ({basis})"
    return extra, (
        f"holidays close the post: {'; '.join(parts)} "
        f"(expected for an {when}, averaged over {years[0]}-{years[-1]}; {basis})"
    )
