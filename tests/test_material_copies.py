"""Our copies of Material's inline scripts (moved into files for the CSP) match the installed Material.

An upgrade of Material that changes one of these scripts must fail here, loudly, so the
copy in overrides/ is brought up to date instead of silently running the old code.
"""

from __future__ import annotations

import re
from pathlib import Path

import material
import pytest
from conftest import REPO

from coach_site.project import PACKAGE_OVERRIDES

MATERIAL = Path(material.__file__).parent / "templates" / "partials" / "javascripts"
OURS = PACKAGE_OVERRIDES / "assets" / "javascripts" / "theme"
# Where our copy reads the scope: from its <script> tag, since a file cannot hold Jinja.
SCOPE_IN_MATERIAL = 'new URL("{{ config.extra.scope | d(base_url) }}",location)'
SCOPE_IN_OURS = 'new URL(document.currentScript.getAttribute("data-md-scope"),location)'


def inline_scripts(partial: str) -> list[str]:
    return re.findall(r"<script>(.*?)</script>", (MATERIAL / partial).read_text(encoding="utf-8"), re.DOTALL)


def our_copy(name: str) -> str:
    """The script of our file, without its one-line comment and final `;`."""
    text = (OURS / name).read_text(encoding="utf-8")
    return re.sub(r"\A/\*.*?\*/\s*", "", text, flags=re.DOTALL).strip().rstrip(";")


# Material's other inline scripts run only with what a workbook never switches on.
ONLY_WITH = {"announce.html": "announce.dismiss", "consent.html": "consent", "outdated.html": "version"}


def test_material_has_exactly_the_inline_script_partials_we_override_or_never_use():
    assert sorted(p.name for p in MATERIAL.glob("*.html")) == sorted(
        ["base.html", "content.html", "palette.html", *ONLY_WITH]
    )
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    assert not [switch for switch in ONLY_WITH.values() if switch in config]
    for partial in ("base.html", "content.html", "palette.html"):
        ours = (PACKAGE_OVERRIDES / "partials" / "javascripts" / partial).read_text(encoding="utf-8")
        assert "<script src=" in ours and "<script>" not in ours


def test_the_start_up_script_is_materials_with_the_scope_read_from_its_tag():
    [script] = inline_scripts("base.html")
    assert SCOPE_IN_MATERIAL in script
    assert our_copy("scope.js") == "var " + script.replace(SCOPE_IN_MATERIAL, SCOPE_IN_OURS)


def test_the_palette_script_is_materials():
    assert [our_copy("palette.js")] == inline_scripts("palette.html")


def test_the_content_script_is_materials_unconditional_one():
    text = (MATERIAL / "content.html").read_text(encoding="utf-8")
    *guarded, last = inline_scripts("content.html")
    assert our_copy("content.js") == last
    # The other script runs only with a feature the workbook does not switch on.
    assert len(guarded) == 1 and '{% if "content.tabs.link" in features %}' in text
    assert "content.tabs" not in (REPO / "mkdocs.yml").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["scope.js", "palette.js", "content.js"])
def test_each_copy_names_where_it_came_from(name):
    assert "Material for MkDocs' inline" in (OURS / name).read_text(encoding="utf-8").splitlines()[0]
