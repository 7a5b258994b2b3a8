"""The sandbox's banner points at the pages of the platforms it plays."""

from __future__ import annotations

from types import SimpleNamespace

from bot.commands.sandbox import banner
from bot.settings import SAMPLE_CONFIG, load_settings


def _sandbox(**views: bool) -> SimpleNamespace:
    settings = load_settings(SAMPLE_CONFIG, check_areas=False)
    settings = settings.model_copy(
        update={"sandbox": settings.sandbox.model_copy(update=views)})
    return SimpleNamespace(settings=settings, page_url="http://127.0.0.1:8080",
                           listen="127.0.0.1:8080", server=SimpleNamespace(base_url="http://x"),
                           kept_database=None, temporary_database=None,
                           database_label="sqlite (memory)")


def test_the_wechat_and_wecom_views_are_listed_when_switched_on():
    text = banner(_sandbox(wechat=True, wecom=True))
    assert "http://127.0.0.1:8080/sandbox/wechat" in text
    assert "http://127.0.0.1:8080/sandbox/wecom" in text


def test_views_switched_off_are_not_listed():
    text = banner(_sandbox())
    assert "/sandbox/wechat" not in text and "/sandbox/wecom" not in text
