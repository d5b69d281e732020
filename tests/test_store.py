"""geo.store: the SQLite user store (uploads and scenarios).

Every test uses a store under ``tmp_path``; none touches the user's data directory.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pandas as pd
import pytest

from geo import store as store_mod
from geo.errors import GeoDataError
from geo.indicators import COLUMNS, load_indicators
from geo.store import SCHEMA_VERSION, UploadInfo, UserStore

REPO = Path(__file__).resolve().parents[1]

CSV = (
    "region,year,period,indicator,value,unit,source,note\n"
    "KZ-31,2023,year,population,1200000,persons,stat_kz,\n"
    "KZ-31,2024,year,population,1210000.5,persons,stat_kz,early estimate\n"
    "KG-C,2024,Q1,turnover_growth,-1.5e1,percent,stat_kg,\"quoted, note\"\n"
)


def table(n: int = 0) -> pd.DataFrame:
    """A validated table (the loader's own output); ``n`` > 0 gives n synthetic rows."""
    if not n:
        return load_indicators(CSV.encode())
    return pd.DataFrame({
        "region": ["KZ-31"] * n, "year": [1990 + i % 100 for i in range(n)],
        "period": ["year"] * n, "indicator": [f"ind_{i}" for i in range(n)],
        "value": [float(i) for i in range(n)], "unit": ["persons"] * n,
        "source": ["stat_kz"] * n, "note": [""] * n,
    }).astype({"year": "int64", "value": "float64"})


def row_count(path: Path) -> int:
    with sqlite3.connect(path) as con:
        return con.execute("SELECT count(*) FROM upload_rows").fetchone()[0]


@pytest.fixture()
def store(tmp_path: Path) -> UserStore:
    return UserStore(tmp_path / "store.sqlite3")


# ---------------------------------------------------------------- round trips


def test_upload_round_trip_keeps_values_types_and_order(store: UserStore) -> None:
    df = table()
    info = store.save_upload("Trade 2024", "kz trade.csv", df)
    assert isinstance(info, UploadInfo)
    assert (info.name, info.file_name, info.rows) == ("Trade 2024", "kz trade.csv", 3)
    assert info.validated_at.endswith("+00:00") and info.validated_at[:2] == "20"
    back = store.load_upload("Trade 2024")
    assert list(back.columns) == list(COLUMNS)
    pd.testing.assert_frame_equal(back, df)
    assert back["note"].tolist() == ["", "early estimate", "quoted, note"]
    assert store.list_uploads() == [info]


def test_list_uploads_sorted_and_replacing_keeps_one(store: UserStore) -> None:
    store.save_upload("beta", "b.csv", table())
    store.save_upload("Alpha", "a.csv", table())
    second = store.save_upload("beta", "b2.csv", table(5))
    names = [(u.name, u.file_name, u.rows) for u in store.list_uploads()]
    assert names == [("Alpha", "a.csv", 3), ("beta", "b2.csv", 5)]
    assert len(store.load_upload("beta")) == 5
    assert row_count(store.path) == 8  # the replaced upload's rows are gone
    assert second.id == max(u.id for u in store.list_uploads())


def test_delete_upload_removes_rows(store: UserStore) -> None:
    store.save_upload("one", "one.csv", table())
    store.save_upload("two", "two.csv", table())
    store.delete_upload("one")
    assert [u.name for u in store.list_uploads()] == ["two"]
    assert row_count(store.path) == 3
    with pytest.raises(GeoDataError):
        store.load_upload("one")


def test_scenarios_round_trip(store: UserStore) -> None:
    text = 'name = "Torugart closed"\n[closures]\ntorugart = "all"\n# ünïcode\n'
    store.save_scenario("Torugart closed", text)
    store.save_scenario("baseline", "x = 1\n")
    assert store.list_scenarios() == ["baseline", "Torugart closed"]
    assert store.load_scenario("Torugart closed") == text
    store.save_scenario("baseline", "x = 2\n")  # replace
    assert store.load_scenario("baseline") == "x = 2\n"
    store.delete_scenario("baseline")
    assert store.list_scenarios() == ["Torugart closed"]


def test_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    first = UserStore(path)
    first.save_upload("kept", "kept.csv", table())
    first.save_scenario("kept", "a = 1\n")
    del first
    again = UserStore(path)
    assert [u.name for u in again.list_uploads()] == ["kept"]
    pd.testing.assert_frame_equal(again.load_upload("kept"), table())
    assert again.load_scenario("kept") == "a = 1\n"
    assert again.schema_version() == SCHEMA_VERSION


# ---------------------------------------------------------------- unknown names


def test_unknown_upload_names_close_matches(store: UserStore) -> None:
    store.save_upload("Trade 2024", "t.csv", table())
    for call in (store.load_upload, store.delete_upload):
        with pytest.raises(GeoDataError) as err:
            call("Trade 2042")
        assert "did you mean 'Trade 2024'" in str(err.value)
    with pytest.raises(GeoDataError, match="did you mean 'Trade 2024'"):
        store.load_upload("TRADE 2024")  # differs in case only


def test_unknown_scenario_names_close_matches(store: UserStore) -> None:
    store.save_scenario("Torugart closed", "a = 1\n")
    for call in (store.load_scenario, store.delete_scenario):
        with pytest.raises(GeoDataError, match="did you mean 'Torugart closed'"):
            call("Torugart closd")
    with pytest.raises(GeoDataError, match="no scenario of that name"):
        store.load_scenario("zzzz")


def test_unknown_name_in_empty_store(store: UserStore) -> None:
    with pytest.raises(GeoDataError, match="no uploads yet"):
        store.load_upload("anything")


@pytest.mark.parametrize("name", ["", "   ", "a\x00b", "tab\tname", "x" * 81, 42, None])
def test_bad_names_refused(store: UserStore, name: object) -> None:
    with pytest.raises(GeoDataError):
        store.save_upload(name, "f.csv", table())  # type: ignore[arg-type]
    with pytest.raises(GeoDataError):
        store.save_scenario(name, "a = 1\n")  # type: ignore[arg-type]
    assert store.list_uploads() == [] and store.list_scenarios() == []


def test_bad_scenario_text_refused(store: UserStore) -> None:
    for text in (b"a = 1", "x" * (store_mod.MAX_SCENARIO_CHARS + 1), "bad \ud800 surrogate"):
        with pytest.raises(GeoDataError):
            store.save_scenario("s", text)  # type: ignore[arg-type]
    assert store.list_scenarios() == []


def test_missing_columns_refused(store: UserStore) -> None:
    with pytest.raises(GeoDataError, match=r"missing column.*value"):
        store.save_upload("t", "t.csv", table().drop(columns="value"))
    assert store.list_uploads() == []


# ---------------------------------------------------------------- atomic writes


def test_failed_write_leaves_nothing(store: UserStore) -> None:
    bad = table(1000).astype({"value": "object"})
    bad.loc[700, "value"] = "not a number"  # fails mid-insert, after 700 rows went in
    with pytest.raises(GeoDataError, match="row 701"):
        store.save_upload("bad", "bad.csv", bad)
    assert store.list_uploads() == []
    assert row_count(store.path) == 0


def test_failed_replace_keeps_the_old_upload(store: UserStore) -> None:
    store.save_upload("kept", "old.csv", table())
    bad = table(50).astype({"value": "object"})
    bad.loc[40, "value"] = float("inf")
    with pytest.raises(GeoDataError, match="not finite"):
        store.save_upload("kept", "new.csv", bad)
    [info] = store.list_uploads()
    assert (info.file_name, info.rows) == ("old.csv", 3)
    pd.testing.assert_frame_equal(store.load_upload("kept"), table())


def test_interrupted_process_leaves_nothing(tmp_path: Path) -> None:
    """A process killed in the middle of an upload (os._exit, no cleanup) leaves no trace."""
    path = tmp_path / "s.sqlite3"
    UserStore(path).save_upload("before", "b.csv", table())
    script = textwrap.dedent(f"""
        import os
        import pandas as pd
        from geo.store import UserStore

        class Dies:
            def __float__(self):
                os._exit(9)  # the process dies here, mid-transaction

        n = 2000
        df = pd.DataFrame({{"region": ["KZ-31"] * n, "year": [2024] * n,
                           "period": ["year"] * n, "indicator": ["x"] * n,
                           "value": [1.0] * 1500 + [Dies()] + [1.0] * 499,
                           "unit": ["u"] * n, "source": ["s"] * n, "note": [""] * n}})
        UserStore({str(path)!r}).save_upload("interrupted", "i.csv", df)
    """)
    proc = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True,
                          timeout=120)
    assert proc.returncode == 9, proc.stderr.decode()
    again = UserStore(path)
    assert [u.name for u in again.list_uploads()] == ["before"]
    assert row_count(path) == 3


# ---------------------------------------------------------------- concurrency


WRITER = """
import sys
import pandas as pd
from geo.store import UserStore

path, tag, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = 200
table = pd.DataFrame({"region": ["KZ-31"] * rows, "year": [2024] * rows,
                      "period": ["year"] * rows, "indicator": [f"i{k}" for k in range(rows)],
                      "value": [float(k) for k in range(rows)], "unit": ["u"] * rows,
                      "source": ["s"] * rows, "note": [""] * rows})
print("ready", flush=True)
sys.stdin.readline()  # both start writing together
s = UserStore(path)
for i in range(n):
    s.save_upload(f"{tag}-{i}", f"{tag}.csv", table)
    s.save_scenario(f"{tag}-{i}", f"i = {i}\\n")
"""


def test_concurrent_writes_from_two_processes_all_survive(tmp_path: Path) -> None:
    path = str(tmp_path / "s.sqlite3")  # the processes create and migrate it together
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, path, tag, "15"], cwd=REPO,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for tag in ("a", "b")]
    for p in procs:  # imports done in both
        assert p.stdout is not None and p.stdout.readline() == "ready\n"
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    errs = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errs
    s = UserStore(path)
    expected = sorted(f"{t}-{i}" for t in "ab" for i in range(15))
    assert sorted(u.name for u in s.list_uploads()) == expected
    assert sorted(s.list_scenarios()) == expected
    assert row_count(Path(path)) == 30 * 200


def test_concurrent_writes_from_threads_share_one_store(store: UserStore) -> None:
    errors: list[BaseException] = []

    def run(tag: str) -> None:
        try:
            for i in range(10):
                store.save_upload(f"{tag}-{i}", "t.csv", table(50))
                store.list_uploads()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(t,)) for t in "abcd"]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    assert len(store.list_uploads()) == 40
    assert row_count(store.path) == 40 * 50


# ---------------------------------------------------------------- schema and location


def test_schema_versioned_and_migrated_from_version_1(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as con:  # a store as version 1 left it: uploads only
        for statement in store_mod.MIGRATIONS[0]:
            con.execute(statement)
        con.execute("INSERT INTO uploads (name, file_name, rows, validated_at) "
                    "VALUES ('old', 'old.csv', 0, '2026-01-01T00:00:00+00:00')")
        con.execute("PRAGMA user_version = 1")
    s = UserStore(path)
    assert s.schema_version() == SCHEMA_VERSION == 2
    assert [u.name for u in s.list_uploads()] == ["old"]
    s.save_scenario("new", "a = 1\n")  # the table version 2 added
    assert s.list_scenarios() == ["new"]
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_newer_schema_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    with sqlite3.connect(path) as con:
        con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(GeoDataError, match="newer corridor workbench"):
        UserStore(path)


def test_not_a_database_refused_without_path(tmp_path: Path) -> None:
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(GeoDataError, match="not a corridor workbench store") as err:
        UserStore(path)
    assert str(tmp_path) not in str(err.value)


def test_default_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CORRIDOR_STORE", str(tmp_path / "env.sqlite3"))
    assert store_mod.default_path() == tmp_path / "env.sqlite3"
    monkeypatch.delenv("CORRIDOR_STORE")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert store_mod.default_path() == tmp_path / "xdg/corridor-workbench/store.sqlite3"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert store_mod.default_path() == (
        tmp_path / "home/.local/share/corridor-workbench/store.sqlite3")
    monkeypatch.setenv("CORRIDOR_STORE", str(tmp_path / "by-env.sqlite3"))
    UserStore().save_scenario("x", "a = 1\n")
    assert (tmp_path / "by-env.sqlite3").is_file()


@pytest.mark.parametrize("folder", ["layers", "data"])
def test_store_never_inside_layers_or_data(folder: str) -> None:
    target = REPO / folder / "store.sqlite3"
    with pytest.raises(GeoDataError, match=f"{folder}/"):
        UserStore(target)
    assert not target.exists()
