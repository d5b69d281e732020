"""Place-name resolution (geo.names)."""

import pytest

from geo.errors import GeoDataError, UnknownPlaceError
from geo.names import NameIndex, normalize


@pytest.fixture
def index():
    return NameIndex(
        [
            ("kordai", "Kordai", ["Korday", "Қордай"]),
            ("ak-zhol", "Ak-Zhol", ["Ak-Jol", "Akzhol"]),
            ("kashgar", "Kashgar", ["Kashi", "Qeshqer"]),
            ("uchturpan", "Uchturpan", ["Wushi"]),
            ("chuy", "Chüy", []),
        ]
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Ak-Jol", "akjol"), ("  AK jol ", "akjol"), ("Chüy", "chuy"), ("Kor'day", "korday")],
)
def test_normalize(text, expected):
    assert normalize(text) == expected


@pytest.mark.parametrize(
    ("name", "pid"),
    [
        ("Korday", "kordai"),
        ("KORDAI", "kordai"),
        ("ak jol", "ak-zhol"),
        ("Ak-Zhol", "ak-zhol"),
        ("kashi", "kashgar"),
        ("Wushi", "uchturpan"),
        ("chuy", "chuy"),
        ("Қордай", "kordai"),
    ],
)
def test_resolve_aliases(index, name, pid):
    assert index.resolve(name) == pid


def test_unknown_name_suggests_close_matches(index):
    with pytest.raises(UnknownPlaceError) as err:
        index.resolve("Kashgr")
    assert err.value.suggestions[0] == "Kashgar"
    assert "did you mean 'Kashgar'" in str(err.value)
    assert isinstance(err.value, GeoDataError)


def test_unknown_name_without_matches(index):
    with pytest.raises(UnknownPlaceError, match=r"unknown place$"):
        index.resolve("Zzzzzz")


def test_empty_name(index):
    with pytest.raises(GeoDataError, match="empty place name"):
        index.resolve("  ")


def test_ambiguous_alias():
    idx = NameIndex([("a", "Karasu", []), ("b", "Kara-Su", [])])
    with pytest.raises(GeoDataError, match="ambiguous"):
        idx.resolve("karasu")
