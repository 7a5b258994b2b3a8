import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.categorize import Categorizer, CategoryKeywords, CategoryScore, normalize

CATEGORIES = (
    CategoryKeywords("roads", ("坑", "路面", "鼓包", "pothole", "road surface")),
    CategoryKeywords("lighting", ("路灯", "灯", "street light", "lamp")),
    CategoryKeywords("trees", ("树", "倒伏", "tree", "branch")),
    CategoryKeywords("bins", ("垃圾桶", "bin")),
    CategoryKeywords("rubbish", ("垃圾", "litter", "rubbish")),
    CategoryKeywords("power", ("电池", "battery", "cable")),
)


@pytest.fixture(scope="module")
def categorizer() -> Categorizer:
    return Categorizer(CATEGORIES)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("路面有个大坑", "roads"),
        ("前面路面鼓包了，有车撞到", "roads"),
        ("A huge POTHOLE on the road surface", "roads"),
        ("ＰＯＴＨＯＬＥ here", "roads"),  # full-width Latin from a Chinese keyboard
        ("路灯不亮", "lighting"),
        ("the street  light\tis out", "lighting"),  # any whitespace between words
        ("Two fallen trees", "trees"),
        ("branches everywhere", "trees"),
        ("路边tree倒了", "trees"),  # an English word right next to Chinese still counts
        ("垃圾桶满了", "bins"),
        ("bins overflowing", "bins"),
        ("litter in the park", "rubbish"),
        ("old batteries dumped", "power"),
        ("a loose battery", "power"),
        ("cables hanging", "power"),
    ],
)
def test_categorize(categorizer, text, expected):
    assert categorizer.categorize(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "someone parked on the street",  # "tree" inside "street" is not a tree
        "a cabinet",  # nor is "bin" inside "cabinet"
        "treehouse",
        "tree2",
        "roadsurface",
        "nothing to see",
    ],
)
def test_no_category(categorizer, text):
    assert categorizer.categorize(text) is None


def test_overlapping_keywords_in_one_category_count_once(categorizer):
    # "路灯" and "灯" cover the same characters: one hit, the longer one.
    assert categorizer.scores("路灯坏了") == [CategoryScore("lighting", 1, 2)]
    # A separate "灯" elsewhere is a second keyword.
    assert categorizer.scores("路灯坏了，门口的灯也不亮") == [CategoryScore("lighting", 2, 3)]


def test_repeating_a_keyword_does_not_outvote(categorizer):
    assert categorizer.scores("坑坑坑坑") == [CategoryScore("roads", 1, 1)]
    # One "坑" against "路灯": a tie on count, the longer keyword wins.
    assert categorizer.categorize("坑坑坑坑 路灯不亮") == "lighting"


def test_more_distinct_keywords_win(categorizer):
    assert categorizer.categorize("路面有坑，路灯也不亮") == "roads"


def test_more_specific_keyword_wins_between_categories(categorizer):
    scores = {s.category_id: s for s in categorizer.scores("垃圾桶满了")}
    assert scores["bins"] == CategoryScore("bins", 1, 3)
    assert scores["rubbish"] == CategoryScore("rubbish", 1, 2)


def test_tie_goes_to_first_configured():
    first = Categorizer([CategoryKeywords("a", ("kerb",)), CategoryKeywords("b", ("kerb",))])
    second = Categorizer([CategoryKeywords("b", ("kerb",)), CategoryKeywords("a", ("kerb",))])
    assert first.categorize("broken kerb") == "a"
    assert second.categorize("broken kerb") == "b"


def test_configuration_errors():
    with pytest.raises(ValueError, match="duplicate"):
        Categorizer([CategoryKeywords("a", ("x",)), CategoryKeywords("a", ("y",))])
    with pytest.raises(ValueError, match="empty"):
        Categorizer([CategoryKeywords("a", ("  ",))])


def test_normalize():
    assert normalize("  Ｓｔｒｅｅｔ\u3000LIGHT ") == "street light"


def test_category_ids_keep_order(categorizer):
    assert categorizer.category_ids == tuple(c.id for c in CATEGORIES)


# --- properties -------------------------------------------------------------------------

any_text = st.text(max_size=80)


@given(any_text)
def test_deterministic(text):
    again = Categorizer(CATEGORIES)
    result = again.categorize(text)
    assert result == again.categorize(text) == Categorizer(CATEGORIES).categorize(text)


CHINESE_KEYWORDS = [kw for c in CATEGORIES for kw in c.keywords if not kw.isascii()]
KEYWORD_CHARS = set("".join(CHINESE_KEYWORDS))
# Surroundings that cannot form any keyword: no keyword character and no Latin letters.
FORBIDDEN = KEYWORD_CHARS | set(string.ascii_letters)
surroundings = st.text(
    alphabet=st.characters(blacklist_characters=sorted(FORBIDDEN), blacklist_categories=["Cs"]),
    max_size=20,
).filter(lambda s: not set(normalize(s)) & FORBIDDEN)


@given(st.sampled_from(CHINESE_KEYWORDS), surroundings, surroundings)
def test_chinese_keywords_match_whatever_surrounds_them(keyword, before, after):
    categorizer = Categorizer(CATEGORIES)
    assert categorizer.categorize(before + keyword + after) == categorizer.categorize(keyword)
    assert categorizer.categorize(keyword) is not None


ids = st.lists(
    st.text(alphabet="abcdefgh", min_size=1, max_size=5), min_size=2, max_size=5, unique=True
)
keyword_sets = st.lists(
    st.sampled_from(["坑", "路灯", "pothole", "lamp", "树", "road surface"]),
    min_size=1,
    max_size=4,
    unique=True,
)


@given(ids, keyword_sets, st.text(alphabet=" ,.!", max_size=3))
def test_ties_go_to_the_first_configured(category_ids, keywords, glue):
    categorizer = Categorizer([CategoryKeywords(i, tuple(keywords)) for i in category_ids])
    assert categorizer.categorize(" " + (glue + " ").join(keywords) + " ") == category_ids[0]
