"""Fuzz: malformed routing profiles (TOML), each breaking one rule of docs/layers.md
("Routing profile"), loaded with :meth:`geo.profile.Profile.from_toml_bytes` (what
``--profile FILE`` reads)."""

from __future__ import annotations

import random

from geo.profile import (
    DEFAULT_PROFILE,
    MAX_PROFILE_BYTES,
    PARAMETER_RANGES,
    REQUIRED_KEYS,
    Profile,
)
from tests.fuzz_harness import Rule, report, run

TABLES = sorted(k for k, v in vars(DEFAULT_PROFILE).items() if isinstance(v, dict))
SCALARS = sorted(k for k in PARAMETER_RANGES if k not in TABLES)


def _key(rng: random.Random, table: str) -> str:
    keys = sorted(getattr(DEFAULT_PROFILE, table)) or list(REQUIRED_KEYS.get(table, ["KZ"]))
    return rng.choice(keys)


def _assign(rng: random.Random, value: str) -> str:
    """A TOML line (and table header) setting one numeric parameter to ``value``."""
    name = rng.choice(sorted(PARAMETER_RANGES))
    if name in TABLES:
        return f"[{name}]\n{_toml_key(_key(rng, name))} = {value}\n"
    return f"{name} = {value}\n"


def _toml_key(key: str) -> str:
    return f'"{key}"' if ":" in key else key


def _context(rng: random.Random, line: str) -> bytes:
    """``line`` with a valid override before it (so the profile is otherwise fine)."""
    options = ["", "payload_t = 18\n", "ferry_wait_h = 12.5\n", "# a comment\n"]
    before = rng.choice([o for o in options if not o or o.split(" ")[0] not in line])
    return (before + line).encode()


def non_finite(rng: random.Random) -> bytes:
    return _context(rng, _assign(rng, rng.choice(["nan", "inf", "-inf", "+inf", "-nan"])))


def out_of_range(rng: random.Random) -> bytes:
    name = rng.choice(sorted(PARAMETER_RANGES))
    low, high = PARAMETER_RANGES[name]
    tiny = 1e-320 if low > 0 else -1e-320 if low == 0 else low - 1e-9
    value = rng.choice([low - rng.choice([1e-3, 1, 1e6]), high + rng.choice([1e-3, 1, 1e6]),
                        tiny, 1e308])
    line = f"{name} = {value!r}\n"
    if name in TABLES:
        line = f"[{name}]\n{_toml_key(_key(rng, name))} = {value!r}\n"
    return _context(rng, line)


def wrong_type(rng: random.Random) -> bytes:
    value = rng.choice(['"20"', "true", "[1, 2]", "{a = 1}", "1979-05-27", "07:32:00", '""'])
    name = rng.choice(SCALARS + TABLES)
    if name in TABLES and rng.random() < 0.5:
        if value.startswith("{"):
            value = "20"
        return _context(rng, f"{name} = {value}\n")  # a scalar where a table belongs
    if name == "holiday_dates":
        return _context(rng, f"[holiday_dates]\nCN = {rng.choice(['0', 'true', '{a = 1}'])}\n")
    return _context(rng, _assign(rng, value) if name in TABLES else f"{name} = {value}\n")


def unknown_parameter(rng: random.Random) -> bytes:
    name = rng.choice(["highway", "payload", "speed_kmh", "holiday_closed_days", "Payload_t",
                       "max_snap", "x"])
    if rng.random() < 0.5:
        return _context(rng, f"{name} = 1\n")
    return _context(rng, f"[{name}]\n10 = 0\n")


def unknown_key(rng: random.Random) -> bytes:
    table = rng.choice(["speed_kph", "cost_usd_per_tkm", "crossing_time_h", "utc_offset_h",
                        "crossing_cost_usd", "holiday_dates"])
    key = rng.choice(["motorway", "air", "kz", "KZ-road", "10", "KAZ", "K1", '"KZ:sea"'])
    value = '["01-01"]' if table == "holiday_dates" else "1.0"
    return _context(rng, f"[{table}]\n{key} = {value}\n")


def bad_holiday(rng: random.Random) -> bytes:
    cal = rng.choice(["CN", "KZ", "KG"])
    dates = rng.choice([
        '["02-30"]', '["13-01"]', '["1-01"]', '["01/01"]', '["١٠-٠١"]', '["10-01", "10-01"]',
        '["０１-０１"]', '[101]', '["01-01", 5]', '"01-01"', '["+1-01"]', '[" 01-01"]'])
    return _context(rng, f"[holiday_dates]\n{cal} = {dates}\n")


def bad_toml(rng: random.Random) -> bytes:
    line = rng.choice(["payload_t = = 2\n", "[speed_kph\n", "payload_t 20\n", "x = [1,\n",
                       "payload_t = 1\npayload_t = 2\n", "[speed_kph]\n[speed_kph]\n",
                       'a = "\\ud800"\n', "payload_t = 0x\n", "= 1\n"])
    return _context(rng, line)


def bad_utf8(rng: random.Random) -> bytes:
    raw = _context(rng, "payload_t = 20\n# é\n")
    at = rng.randrange(len(raw) + 1)
    return raw[:at] + rng.choice([b"\xff", b"\xc0\xaf", b"\x80", b"\xed\xa0\x80"]) + raw[at:]


def too_large(rng: random.Random) -> bytes:
    pad = MAX_PROFILE_BYTES + 1 + rng.randrange(1000)
    return b"payload_t = 20\n#" + b"x" * pad + b"\n"


def deep_nesting(rng: random.Random) -> bytes:
    depth = rng.randrange(1_000, 20_000)
    return f"payload_t = {'[' * depth}1{']' * depth}\n".encode()


RULES = [
    Rule("numbers are finite", non_finite, r"must be a finite number"),
    Rule("numbers are in their documented range", out_of_range, r"must be [<>]= "),
    Rule("parameters have their type", wrong_type,
         r"must be a number|expects a table|expects a list|is not MM-DD"),
    Rule("parameters are known", unknown_parameter, r"unknown parameter"),
    Rule("table keys are known", unknown_key, r"unknown key|key must match"),
    Rule("holiday dates are distinct MM-DD days", bad_holiday,
         r"is not MM-DD|given twice|expects a list"),
    Rule("the file is TOML", bad_toml, r"cannot read profile"),
    Rule("the file is UTF-8", bad_utf8, r"not UTF-8"),
    Rule("the file is at most 64 KiB", too_large, r"larger than 64 KiB"),
    Rule("nesting is bounded", deep_nesting, r"nested too deeply|must be a number"),
]


def _load(raw: bytes) -> None:
    Profile.from_toml_bytes(raw, "fuzz.toml")


def test_the_starting_profiles_are_valid():
    for before in ("", "payload_t = 18\n", "ferry_wait_h = 12.5\n", "# a comment\n"):
        Profile.from_toml_bytes(before.encode())


def test_fuzz_malformed_profiles(capsys):
    report(run("profiles", RULES, _load), capsys)
