"""The web app's templates: every text they ask for exists in both languages, every form that
changes something carries its token, and everything they load ships in the package."""

from __future__ import annotations

import fnmatch
import re
import tomllib
from pathlib import Path

import pytest

from bot.web.filters import STATUS_GROUPS
from bot.web.views.dashboard import PERIODS
from bot.web.views.ticket import PHOTO_KINDS
from handlers.texts import LANGUAGES, catalog

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "bot" / "web"
TEMPLATES = sorted((WEB / "templates").rglob("*.html"))
KEY = re.compile(r"""\bt\(\s*'([a-z0-9_.]+)'\s*[,)]""")
PROBLEM = re.compile(r"""problem="([a-z_]+)\"""")


def test_every_text_a_template_asks_for_exists_in_both_languages():
    keys = {key for path in TEMPLATES for key in KEY.findall(path.read_text(encoding="utf-8"))}
    assert len(keys) > 60
    for lang in LANGUAGES:
        assert sorted(k for k in keys if k not in catalog(lang)) == [], lang


def test_every_text_built_from_a_name_exists():
    problems = {p for path in WEB.rglob("*.py")
                for p in PROBLEM.findall(path.read_text(encoding="utf-8"))}
    assert {"csrf", "not_staff", "not_admin", "no_ticket", "unexpected"} <= problems
    keys = [f"console.error_{p}{end}" for p in problems for end in ("", "_title")]
    keys += [f"console.status_{group}" for group in STATUS_GROUPS]
    keys += [f"console.period_{name}" for name in PERIODS]
    keys += [f"console.photos_{kind}" for kind in PHOTO_KINDS]
    keys += ["console.text_optional", "console.text_required"]
    for lang in LANGUAGES:
        assert [k for k in keys if k not in catalog(lang)] == [], lang


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_every_form_that_posts_carries_a_token(path):
    html = path.read_text(encoding="utf-8")
    for form in re.findall(r"<form\b[^>]*>.*?</form>", html, flags=re.S):
        if 'method="post"' in form:
            assert 'name="csrf"' in form or 'name="nonce"' in form, form[:120]


def test_everything_the_pages_load_ships_in_the_package():
    static = WEB / "static"
    asked = {name for path in TEMPLATES
             for name in re.findall(r"static\('([^']+)'\)", path.read_text(encoding="utf-8"))}
    assert {"console.css", "map.js", "vendor/leaflet/leaflet.js"} <= asked
    assert sorted(name for name in asked if not (static / name).is_file()) == []
    css = (static / "vendor/leaflet/leaflet.css").read_text(encoding="utf-8")
    for image in re.findall(r"url\((images/[^)]+)\)", css):
        assert (static / "vendor/leaflet" / image).is_file(), image
    assert (static / "vendor/leaflet/LICENSE").is_file()
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
        "tool"]["setuptools"]["package-data"]["*"]
    shipped = [p for p in [*static.rglob("*"), *(WEB / "templates").rglob("*")] if p.is_file()]
    assert [p.name for p in shipped if not any(fnmatch.fnmatch(p.name, pattern)
                                               for pattern in patterns)] == []


def test_no_page_loads_anything_from_elsewhere():
    for path in [*TEMPLATES, *(WEB / "static").glob("*.*")]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)=["']https?://""", text), path
        assert "cdn" not in text.lower(), path
