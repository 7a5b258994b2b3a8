"""Installing the package says nothing but what matters (no deprecation warnings)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_license_is_an_spdx_expression_with_its_file():
    # A `license = { text = … }` table makes setuptools warn on every install.
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert isinstance(project["license"], str), "use an SPDX expression, e.g. license = \"MIT\""
    assert project["license-files"], "name the license file"
    for name in project["license-files"]:
        assert (ROOT / name).is_file(), name
    assert "MIT" in (ROOT / project["license-files"][0]).read_text(encoding="utf-8")
