"""Digest text: long digests split at line ends within Telegram's limit; rates round alike."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from handlers.digest.render import TELEGRAM_LIMIT, split_message, telegram_length
from storage.queries.figures import Ratio

lines = st.lists(st.text(alphabet=st.characters(blacklist_characters="\n"), max_size=120),
                 max_size=80)


@given(lines, st.integers(min_value=20, max_value=300))
def test_pieces_fit_and_keep_every_line_whole(text_lines, limit):
    text = "\n".join(text_lines)
    pieces = split_message(text, limit)
    assert all(0 < telegram_length(piece) <= limit for piece in pieces)
    assert all(piece.strip() for piece in pieces)
    if all(telegram_length(line) <= limit for line in text_lines):
        # Cut only at line ends: the pieces are the text's lines, in order.
        rejoined = "\n".join(pieces).split("\n")
        assert [line for line in rejoined if line.strip()] == [
            line for line in text_lines if line.strip()]


@given(st.text(alphabet=st.characters(blacklist_categories=["Cs", "Zs", "Cc"]), min_size=1,
               max_size=2000))
def test_an_overlong_line_is_cut_without_losing_characters(text):
    pieces = split_message(text, 100)
    assert "".join(pieces) == text
    assert all(telegram_length(piece) <= 100 for piece in pieces)


def test_a_long_digest_becomes_several_messages():
    line = "· #0042 道路破损（道路养护所）超时 37 小时 30 分"
    text = "\n".join([line] * 300)
    pieces = split_message(text)
    # 33 characters a line with its line break: 124 lines fit in 4096.
    assert [p.count("\n") + 1 for p in pieces] == [124, 124, 52]
    assert all(telegram_length(p) <= TELEGRAM_LIMIT for p in pieces)
    assert sum(p.count("\n") + 1 for p in pieces) == 300


def test_emoji_count_twice_against_the_limit():
    pieces = split_message("📊" * 3000)
    assert [telegram_length(p) for p in pieces] == [4096, 1904]


def test_percentages_round_half_up():
    assert Ratio(2, 3).percent == 67 and Ratio(1, 3).percent == 33
    assert Ratio(1, 8).percent == 13  # 12.5 → 13
    assert Ratio(0, 0).percent is None and Ratio(5, 5).percent == 100
