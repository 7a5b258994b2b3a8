"""People and chats in the configuration, on each platform; today's files load unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import wiring
from bot.cli import main
from bot.settings import load_settings
from tests.unit.test_config import EXAMPLE, ROOT, broken, run_check

SAMPLE = ROOT / "bot/sample/sample.toml"

SEVERAL = """
[[people]]
name = "张师傅"
telegram = 2001
wecom = "zhangsan"
feishu = "ou_7d8a6e6df7621556ce0d21922b676706"

[[people]]
id = 9001
name = "值班员"

[[people]]
name = "骑手小李"
wechat = "oAbC-12_xyz"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def several(tmp_path: Path, extra: str = "", groups: str = "chat_id = -1001000000001") -> Path:
    return write(tmp_path, f"""
[admins]
user_ids = ["值班员"]
chat_id = "wecom:wrAdmins"

[[groups]]
{groups}
name = "东湖"

[[departments]]
id = "roads"
name = "道路"
chat_id = "wecom:wrRoads"
staff = ["张师傅", "wecom:lisi"]
backup_staff = [2002]
supervisors = ["feishu:ou_boss"]
{SEVERAL}{extra}""")


def test_old_files_load_unchanged_and_mean_telegram():
    settings = load_settings(SAMPLE)
    assert all(g.chat_id.startswith("telegram:-100") for g in settings.groups)
    roads = settings.department("roads")
    assert roads is not None and roads.staff == ["telegram:2001"]
    assert settings.admins.user_ids == ["telegram:9001"]
    people = wiring.directory(settings).people
    assert people["telegram:2001"] == "张师傅"


def test_people_have_accounts_on_each_platform_and_names_stand_for_them(tmp_path):
    settings = load_settings(several(tmp_path), check_areas=False)
    roads = settings.department("roads")
    assert roads is not None
    assert roads.chat_id == "wecom:wrRoads"
    assert roads.staff == ["telegram:2001", "wecom:zhangsan",
                           "feishu:ou_7d8a6e6df7621556ce0d21922b676706", "wecom:lisi"]
    assert roads.backup_staff == ["telegram:2002"]
    assert settings.admins.user_ids == ["telegram:9001"]
    assert settings.admins.chat_id == "wecom:wrAdmins"
    directory = wiring.directory(settings)
    # Whichever account they write from, they are the same staff member, known by name.
    for account in ("telegram:2001", "wecom:zhangsan"):
        assert directory.roles(account, "roads").staff
        assert directory.person_name(account) == "张师傅"
    assert directory.person_name("wechat:oAbC-12_xyz") == "骑手小李"
    assert not directory.roles("wechat:oAbC-12_xyz", "roads").works_here
    assert directory.department_of_chat("wecom:wrRoads") is roads


@pytest.mark.parametrize(("groups", "wanted"), [
    ("chat_id = -1001000000001", "telegram:-1001000000001"),
    ('chat_id = "telegram:-1001000000001"', "telegram:-1001000000001"),
    ('chat_id = "-1001000000001"', "telegram:-1001000000001"),
    ('chat_id = "feishu:oc_a0553eda9014c201e6969b478895c230"',
     "feishu:oc_a0553eda9014c201e6969b478895c230"),
])
def test_a_chat_is_a_telegram_number_or_an_address(tmp_path, groups, wanted):
    settings = load_settings(several(tmp_path, groups=groups), check_areas=False)
    assert settings.groups[0].chat_id == wanted


@pytest.mark.parametrize(("change", "key", "problem"), [
    ('\n[[people]]\nname = "again"\nwecom = "zhangsan"\n', "people[3]", "duplicate account"),
    ('\n[[people]]\nname = "again"\ntelegram = 9001\n', "people[3]", "duplicate account"),
    ('\n[[people]]\nname = "nobody"\n', "people[3]", "at least one account"),
    ('\n[[people]]\nname = "x"\nid = 5\ntelegram = 6\n', "people[3]", "differs from id"),
    ('\n[[people]]\nname = "x"\nid = "wework:a"\n', "people[3]", "unknown platform"),
])
def test_bad_people_are_named(tmp_path, capsys, change, key, problem):
    code, out, err = run_check(several(tmp_path, change), capsys)
    assert code == 2 and out == ""
    assert key in err and problem in err, err
    assert "Traceback" not in err


@pytest.mark.parametrize(("old", "new", "key", "problem"), [
    ('staff = ["张师傅", "wecom:lisi"]', 'staff = ["张三丰"]', "departments[0].staff[0]",
     "no [[people]] entry named '张三丰'"),
    ('staff = ["张师傅", "wecom:lisi"]', 'staff = ["wework:lisi"]', "departments[0].staff",
     "unknown platform 'wework'"),
    ('chat_id = "wecom:wrRoads"', 'chat_id = "wrRoads"', "departments[0].chat_id",
     "not an address"),
    ('chat_id = "wecom:wrAdmins"', 'chat_id = "slack:C01"', "admins.chat_id",
     "unknown platform"),
    ('backup_staff = [2002]', "backup_staff = [-5]", "departments[0].backup_staff",
     "positive"),
])
def test_bad_people_and_chats_in_lists_are_named(tmp_path, capsys, old, new, key, problem):
    path = several(tmp_path)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    code, out, err = run_check(path, capsys)
    assert code == 2 and out == ""
    assert key in err and problem in err, err


def test_check_prints_the_platforms_and_warns_of_chats_nobody_serves(tmp_path, capsys):
    code, out, err = run_check(several(tmp_path), capsys)
    assert code == 0, err
    platforms = next(line for line in out.splitlines() if "platforms:" in line)
    # telegram: 2001, 9001, 2002 (people and lists); chats: the liaison group.
    assert "telegram (configured): 3 accounts, 1 chats" in platforms
    assert "wecom (not configured): 2 accounts, 2 chats" in platforms
    assert "wechat (not configured): 1 accounts, 0 chats" in platforms
    assert "feishu (not configured): 2 accounts, 0 chats" in platforms
    warnings = [line for line in out.splitlines() if line.startswith("warning:")]
    assert warnings == [
        "warning: departments[0].chat_id: wecom:wrRoads is on wecom, which is not configured "
        "(no [wecom] section); nothing will reach this chat",
        "warning: admins.chat_id: wecom:wrAdmins is on wecom, which is not configured "
        "(no [wecom] section); nothing will reach this chat",
    ]


def test_the_example_prints_telegram_only(capsys):
    assert main(["config", "check", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "platforms: telegram (configured): 5 accounts, 3 chats" in out
    assert "warning" not in out


def test_a_positive_group_number_is_still_refused(tmp_path, capsys):
    code, _, err = run_check(broken(tmp_path, "chat_id = -1001000000001", "chat_id = 42"),
                             capsys)
    assert code == 2 and "groups[0].chat_id" in err and "negative" in err
