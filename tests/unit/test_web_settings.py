"""The [web] section: validated like every other, and documented key by key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from bot.cli import main
from bot.settings_web import WebSection

ROOT = Path(__file__).resolve().parents[2]


def test_off_unless_listening():
    assert not WebSection().enabled
    web = WebSection(listen="0.0.0.0:8090")
    assert web.enabled and web.link_base == "http://127.0.0.1:8090"
    assert not web.secure_cookies
    behind_proxy = WebSection(listen="127.0.0.1:8090", base_url="https://liaison.example.cn/")
    assert behind_proxy.link_base == "https://liaison.example.cn"
    assert behind_proxy.secure_cookies


@pytest.mark.parametrize("values", [
    {"listen": "nowhere"}, {"listen": "127.0.0.1:0"}, {"base_url": "ftp://x"},
    {"tiles_url": "tiles/{z}/{x}/{y}.png"}, {"session_hours": 0},
    {"open311_chat_id": 12345}, {"colour": "red"},
])
def test_bad_values_are_refused(values):
    with pytest.raises(ValidationError):
        WebSection(**values)


def test_api_keys_are_secrets_compared_whole():
    web = WebSection(api_keys=[SecretStr("first-key"), SecretStr("second-key")])
    assert web.accepts_key("second-key") and web.accepts_key("first-key")
    assert not web.accepts_key("first") and not web.accepts_key("") and not web.accepts_key(
        "first-key ")
    assert "second-key" not in repr(web)
    assert not WebSection(api_keys=[SecretStr("")]).accepts_key("")


def test_a_broken_web_section_names_its_key(tmp_path, capsys):
    text = (ROOT / "config.example.toml").read_text(encoding="utf-8").replace(
        "bot/sample/areas/", str(ROOT / "bot/sample/areas") + "/").replace(
        'listen = "127.0.0.1:8090"', 'listen = "127.0.0.1:0"')
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    assert main(["config", "check", str(path)]) == 2
    assert "web.base_url" in capsys.readouterr().err


def test_every_key_is_documented_in_the_example_and_the_readme():
    example = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    section = example.split("[web]", 1)[1].split("\n[", 1)[0]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `[web]`"))
    for key in WebSection.model_fields:
        assert re.search(rf"^#? ?{key} =", section, flags=re.M), key
        assert f"`{key}`" in row, key
