"""Typed words for commands and answers, and places named in words."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from domain.places import Gazetteer, NamedPlace
from handlers.staff.typed import typed_command
from handlers.workflow.answers import typed_answer


def test_staff_verbs_in_both_languages():
    assert typed_command("受理 42").name == "ack"
    assert typed_command("受理42").args == "42"
    assert typed_command("ack #0042").args == "#0042"
    assert typed_command("ACK 42").name == "ack"
    assert typed_command("驳回 42 不属于本部门").args == "42 不属于本部门"
    assert typed_command("transfer 42 roads").name == "transfer"
    assert typed_command("确认受理 7").name == "ack"
    assert typed_command("重开 3 还在漏水").name == "reopen"


def test_words_that_only_start_like_a_verb_are_not_commands():
    assert typed_command("受理人是谁") is None
    assert typed_command("acknowledged") is None
    assert typed_command("路面鼓包") is None
    assert typed_command("") is None


def test_answers_with_or_without_a_number():
    assert typed_answer("1 已解决") == ("fixed", None)
    assert typed_answer("1已解决") == ("fixed", None)
    assert typed_answer("已解决") == ("fixed", None)
    assert typed_answer("2 没解决") == ("open", None)
    assert typed_answer("满意") == ("s", None)
    assert typed_answer("基本满意") == ("b", None)
    assert typed_answer("不满意 #42") == ("d", 42)
    assert typed_answer("Satisfied 42") == ("s", 42)
    assert typed_answer("2 not fixed") == ("open", None)
    assert typed_answer("1") == ("fixed", None)


def test_other_texts_are_not_answers():
    for text in ("满意吗", "路面鼓包", "12", "1 2 3", "不满意这个处理结果", ""):
        assert typed_answer(text) is None, text


@given(st.text(max_size=40))
def test_reading_any_text_never_fails(text):
    command = typed_command(text)
    if command is not None:
        assert command.addressed and command.args == command.args.strip()
    answer = typed_answer(text)
    if answer is not None:
        assert answer[0] in {"fixed", "open", "s", "b", "d"}


PLACES = Gazetteer([
    NamedPlace("东湖暖心驿站", 39.9215, 116.4712, ("Donghu warm station", "东湖驿站")),
    NamedPlace("东湖路与西坝街路口", 39.92, 116.46),
    NamedPlace("东湖社区 Donghu", 39.91, 116.47, ("东湖社区", "Donghu"), is_area=True),
])


def test_places_are_found_in_the_text():
    assert PLACES.match("东湖驿站门口路面鼓包").name == "东湖暖心驿站"
    assert PLACES.match("pothole at donghu  WARM station").name == "东湖暖心驿站"
    assert PLACES.match("东湖路与西坝街路口 井盖松动").name == "东湖路与西坝街路口"
    # A place wins over the area it is in.
    assert PLACES.match("东湖社区 东湖路与西坝街路口").name == "东湖路与西坝街路口"
    assert PLACES.match("东湖社区里").is_area
    assert PLACES.match("路面鼓包") is None
    assert PLACES.match("") is None


def test_only_a_name_or_also_a_description():
    place = PLACES.match("东湖驿站")
    assert PLACES.is_only_a_name("东湖驿站", place)
    assert not PLACES.is_only_a_name("东湖驿站门口", place)
    assert PLACES.examples(2) == ["东湖暖心驿站", "东湖路与西坝街路口"]
    assert len(PLACES) == 3


@given(st.text(max_size=60))
def test_a_match_is_a_name_in_the_text(text):
    place = PLACES.match(text)
    if place is not None:
        folded = "".join(text.split()).casefold()
        assert any("".join(n.split()).casefold() in folded for n in (place.name, *place.names))
