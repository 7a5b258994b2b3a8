"""The answers offered in a follower's chat as a click menu (msgmenu)."""

from __future__ import annotations

from bot.wechat.menus import click_menu
from handlers.workflow.answers import typed_answer

QUESTION = ("#0002 已解决 · 张师傅 · 17:00 · 用时 5 小时 0 分\n微信用户0001，问题解决了吗？\n"
            "回复：「1 已解决」「2 没解决」「满意」「基本满意」「不满意」")


def test_each_tapped_line_names_the_ticket_it_answers():
    menu = click_menu(QUESTION)
    assert menu is not None and menu.head.startswith("#0002")
    contents = [item.content for item in menu.items]
    assert contents[0] == "1 已解决 #0002"
    # A follower with two tickets waiting rates the one the question was about.
    assert {typed_answer(c)[1] for c in contents} == {2}
    assert len({item.id for item in menu.items}) == len(menu.items)


def test_a_question_about_no_single_ticket_offers_the_bare_words():
    text = QUESTION.replace("#0002", "今天")
    menu = click_menu(text)
    assert menu is not None
    assert [item.content for item in menu.items][2] == "满意"


def test_words_that_need_more_typed_after_them_stay_words():
    assert click_menu("#0002 道路破损\n回复：「受理 2」「转办 2 部门」") is None
    assert click_menu("只有一行") is None
