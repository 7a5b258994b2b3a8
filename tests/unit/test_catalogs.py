"""The message catalogs: both languages say the same things, and every text the code asks for
exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from domain.permissions import Operation
from domain.status import Action, Status
from domain.ticket import CloseReason, Rating
from handlers import registry
from handlers.router import load_features
from handlers.texts import LANGUAGES, catalog, placeholders

ROOT = Path(__file__).resolve().parents[2]
KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
# Where texts are asked for: the handlers and the domain's errors, and the running bot.
SOURCES = [*sorted((ROOT / "handlers").rglob("*.py")), *sorted((ROOT / "domain").glob("*.py")),
           *sorted((ROOT / "bot").rglob("*.py"))]
# Names of functions that render a catalog text.
RENDERER = re.compile(r"(^|\.|_)texts(_for\(.*\))?$")


def test_both_languages_have_the_same_keys():
    zh, en = catalog("zh"), catalog("en")
    assert sorted(set(zh) - set(en)) == []
    assert sorted(set(en) - set(zh)) == []


@pytest.mark.parametrize("key", sorted(catalog("zh")))
def test_both_languages_have_the_same_placeholders(key):
    assert placeholders(catalog("zh")[key]) == placeholders(catalog("en")[key]), key


def test_no_text_is_empty():
    for lang in LANGUAGES:
        assert [k for k, v in catalog(lang).items() if not v.strip()] == []


def _literal_keys(path: Path) -> list[tuple[str, int]]:
    """String constants that are catalog keys: arguments of text renderers, help keys, and
    values given to names ending in "key" (error classes' keys, keys chosen by a condition)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            callee = ast.unparse(node.func)
            first = node.args[0] if node.args else None
            if (RENDERER.search(callee) and isinstance(first, ast.Constant)
                    and isinstance(first.value, str)):
                found.append((first.value, node.lineno))
            for keyword in node.keywords:
                if keyword.arg == "help_key" and isinstance(keyword.value, ast.Constant):
                    found.append((str(keyword.value.value), node.lineno))
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [t.id if isinstance(t, ast.Name) else getattr(t, "attr", "")
                     for t in targets]
            if node.value is None or not any(n.lower().endswith("key") for n in names):
                continue
            found.extend((c.value, node.lineno) for c in ast.walk(node.value)
                         if isinstance(c, ast.Constant) and isinstance(c.value, str))
    return found


def test_every_key_written_in_the_code_exists():
    zh = catalog("zh")
    missing = [
        f"{path.relative_to(ROOT)}:{line} {key}"
        for path in SOURCES for key, line in _literal_keys(path)
        if KEY.match(key) and key not in zh
    ]
    assert missing == []


def test_every_command_has_its_help_text():
    load_features()
    for lang in LANGUAGES:
        missing = [spec.help_key for spec in registry.COMMANDS.values()
                   if spec.help_key not in catalog(lang)]
        assert missing == [], lang


def _families() -> list[str]:
    """Keys the code builds from names (f-strings): each family must be complete."""
    from handlers.staff import choices, lists
    from handlers.tickets.card import BUTTON_ACTIONS
    from handlers.workflow import sla, verification

    keys = [f"status.{s.value}" for s in Status]
    keys += [f"action.{a.value}" for a in Action]
    keys += [f"action.{o.value}" for o in Operation]
    keys += [f"button.{a.value}" for a in BUTTON_ACTIONS]
    keys += [f"rating.{r.value}" for r in Rating]
    keys += [f"card.closed_{r.value}" for r in CloseReason]
    keys += [f"publish.closed_{r.value}" for r in CloseReason]
    keys += [f"reasons.{op.value}.{code}" for op, codes in choices.REASONS.items()
             for code in codes]
    keys += [f"choices.{op.value}" for op in choices.NEEDS_CHOICE]
    keys += [f"lists.{kind}_{part}" for kind in lists.KINDS for part in ("title", "empty")]
    audiences = {**{f"escalated_{a}": a for a in sla.ACK_AUDIENCE.values()},
                 **{f"reminded_{a}": a for a in sla.REMINDER_AUDIENCE.values()}}
    keys += [f"timeline.{name}" for name in audiences]
    keys += [f"notice.ask_{a}" for a in audiences.values()]
    keys += ["notice.escalated", "notice.reminded"]
    photo_kinds = ("before", "progress", "after")
    keys += [f"timeline.photo_{kind}" for kind in photo_kinds]
    keys += [f"photos.added_{kind}" for kind in photo_kinds]
    keys += [f"verify.thanks_{choice}" for choice in (verification.FIXED, verification.NOT_FIXED)]
    keys += [f"usage.{problem}" for problem in ("missing_number", "missing_text",
                                                "missing_original", "missing_department",
                                                "unknown_department")]
    load_features()
    staff_commands = ("ack", "take", "progress", "resolve", "reject", "reopen", "note", "dup",
                      "transfer", "ticket")
    assert set(staff_commands) <= set(registry.COMMANDS)
    keys += [f"form.{name}" for name in staff_commands]
    return keys


def test_every_key_built_from_a_name_exists():
    for lang in LANGUAGES:
        assert [key for key in _families() if key not in catalog(lang)] == [], lang
