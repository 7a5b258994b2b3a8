"""The `[wechat]` section: complete or absent, secrets kept secret, menu and template as data."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.settings_wechat import WeChatSection

KEY = "A" * 43


def test_an_unconfigured_section_switches_nothing_on():
    assert not WeChatSection().configured


def test_an_app_id_needs_its_secret_token_and_key():
    with pytest.raises(ValidationError, match="app_secret, token"):
        WeChatSection(app_id="wx1", encoding_aes_key=KEY)
    with pytest.raises(ValidationError, match="43 characters"):
        WeChatSection(app_id="wx1", app_secret="s", token="t", encoding_aes_key="short")


def test_secrets_never_show():
    section = WeChatSection(app_id="wx1", app_secret="s3cr3t-value", token="tok3n-value",
                            encoding_aes_key=KEY)
    shown = repr(section) + str(section.model_dump())
    assert "s3cr3t-value" not in shown and "tok3n-value" not in shown and KEY not in shown
    assert section.app_secret.get_secret_value() == "s3cr3t-value"


def test_the_default_menu_and_template_keys():
    section = WeChatSection()
    assert [(b.name, b.command) for b in section.menu] == [
        ("报告问题", "start"), ("我的工单", "mine"), ("附近驿站", "stations")]
    assert [f.value for f in section.template.fields] == ["ticket", "text", "text", "time"]
