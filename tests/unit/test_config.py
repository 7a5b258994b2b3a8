"""Bad configuration stops start-up with one line naming the key, and exit status 2."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "config.example.toml"


def run_check(path: Path, capsys: pytest.CaptureFixture[str], env: dict[str, str] | None = None,
              monkeypatch: pytest.MonkeyPatch | None = None) -> tuple[int, str, str]:
    if env and monkeypatch:
        for key, value in env.items():
            monkeypatch.setenv(key, value)
    code = main(["config", "check", str(path)])
    out, err = capsys.readouterr()
    return code, out, err


def broken(tmp_path: Path, old: str, new: str) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "bot/sample/areas/", str(ROOT / "bot/sample/areas") + "/")
    assert old in text, old
    path = tmp_path / "config.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_the_example_is_valid_and_summarised(capsys):
    code, out, err = run_check(EXAMPLE, capsys)
    assert code == 0, err
    assert "groups (1): 东湖社区联络群" in out
    assert "roads: 道路养护所" in out
    assert "categories (2)" in out


def test_the_builtin_sample_is_valid():
    settings = load_settings(ROOT / "bot/sample/sample.toml")
    assert len(settings.departments) == 5
    assert {d.kind for d in settings.departments} == {"department", "volunteer"}


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ('categories = ["road", "other"]', 'categories = ["road", "roadz"]',
         "departments[0].categories"),
        ("chat_id = -1001000000001", 'chat_id = "abc"', "groups[0].chat_id"),
        ("chat_id = -1001000000001", "chat_id = 1001", "groups[0].chat_id"),
        ('timezone = "Asia/Shanghai"', 'timezone = "Mars/Olympus"', "bot.timezone"),
        ('mode = "polling"', 'mode = "webhook"', "telegram.token"),
        ('area = "', 'area = "/nonexistent/', "departments[0].area"),
        ('time = "08:30"', 'time = "8.30"', "digest.time"),
        ('fallback_department = "district"', 'fallback_department = "nowhere"',
         "routing.fallback_department"),
        ('language = "zh"', 'language = "fr"', "bot.language"),
        ('url = "sqlite+aiosqlite:///liaison.db"', 'url = "mysql://x"', "database.url"),
    ],
)
def test_each_broken_config_names_its_key(tmp_path, capsys, old, new, key):
    code, out, err = run_check(broken(tmp_path, old, new), capsys)
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert key in lines[0]
    assert "Traceback" not in err


def test_unreadable_area_file_is_named(tmp_path, capsys):
    garbage = tmp_path / "area.geojson"
    garbage.write_text("{not json", encoding="utf-8")
    path = broken(tmp_path, 'area = "' + str(ROOT / "bot/sample/areas/district.geojson") + '"',
                  f'area = "{garbage}"')
    code, _, err = run_check(path, capsys)
    assert code == 2
    assert re.search(r"departments\[0\]\.area", err)


def test_missing_file_and_bad_toml(tmp_path, capsys):
    code, _, err = run_check(tmp_path / "nope.toml", capsys)
    assert code == 2 and "no such file" in err
    bad = tmp_path / "bad.toml"
    bad.write_text("[bot\nlanguage=", encoding="utf-8")
    code, _, err = run_check(bad, capsys)
    assert code == 2 and "not valid TOML" in err and len(err.strip().splitlines()) == 1


def test_environment_overrides_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("LIAISON_TELEGRAM__TOKEN", "123:abc")
    monkeypatch.setenv("LIAISON_DATABASE__URL", "postgresql+asyncpg://u@h/db")
    monkeypatch.setenv("LIAISON_INTAKE__DUPLICATE_RADIUS_M", "75")
    settings = load_settings(EXAMPLE)
    assert settings.telegram.token is not None
    assert settings.telegram.token.get_secret_value() == "123:abc"
    assert settings.database.url == "postgresql+asyncpg://u@h/db"
    assert settings.intake.duplicate_radius_m == 75
    # Values the environment does not touch keep the file's.
    assert settings.bot.timezone == "Asia/Shanghai"
    assert "123:abc" not in repr(settings)


def test_config_path_resolution(tmp_path, monkeypatch):
    from bot.settings import SAMPLE_CONFIG, config_path

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LIAISON_CONFIG", raising=False)
    assert config_path(None) == SAMPLE_CONFIG
    (tmp_path / "config.toml").write_text("", encoding="utf-8")
    assert config_path(None) == Path("config.toml")
    monkeypatch.setenv("LIAISON_CONFIG", "/etc/liaison.toml")
    assert config_path(None) == Path("/etc/liaison.toml")
    assert config_path("x.toml") == Path("x.toml")


def test_a_bad_timezone_is_named_once(tmp_path, capsys):
    path = broken(tmp_path, 'timezone = "Asia/Shanghai"', 'timezone = "Asia/Shangai"')
    code, _, err = run_check(path, capsys)
    assert code == 2
    assert err.count("Asia/Shangai") == 1, err


def test_other_is_built_in_when_not_configured(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "bot/sample/areas/", str(ROOT / "bot/sample/areas") + "/")
    start = text.index('id = "other"')
    block_start = text.rindex("[[categories]]", 0, start)
    block_end = text.find("[[", start)
    text = text[:block_start] + (text[block_end:] if block_end >= 0 else "")
    text = text.replace('categories = ["road", "other"]', 'categories = ["road"]')
    assert 'id = "other"' not in text
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    settings = load_settings(path)
    other = settings.category("other")
    assert other is not None
    assert (other.name, other.name_en) == ("其他", "Other")
    assert other.keywords == []
    assert [c.id for c in settings.categories][-1] == "other"


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ('hours = "07:00-22:00"', 'hours = "7 to 10"', "not a time range"),
        ('facilities = ["充电"', 'facilities = ["sauna"', "unknown facility 'sauna'"),
        ('datum = "wgs84"', 'datum = "bd09"', "gcj02"),
        ("lat = 39.9236", "lat = 99.9", "less than or equal to 90"),
    ],
)
def test_a_broken_station_names_its_key(tmp_path, capsys, old, new, problem):
    code, _, err = run_check(broken(tmp_path, old, new), capsys)
    assert code == 2
    [line] = err.strip().splitlines()
    assert "stations[0]" in line and problem in line, line


def test_stations_are_summarised_with_facilities_by_name_or_id(capsys):
    code, out, _ = run_check(ROOT / "bot/sample/sample.toml", capsys)
    assert code == 0 and "stations (4): 将台坝河北路暖心驿站 (07:00-22:00)" in out
    settings = load_settings(ROOT / "bot/sample/sample.toml")
    assert settings.stations[0].facilities[:3] == ["charging", "water", "microwave"]
