"""load_project: each way a project's mkdocs.yml can be missing or incomplete, in the coach's words."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach_site.errors import CoachSiteError
from coach_site.project_loader import load_project

GOOD = "site_url: https://coaching.example.org/workbooks\nextra:\n  coach:\n    name: Sam Rivera\n"


def error_of(root: Path) -> str:
    with pytest.raises(CoachSiteError) as exc_info:
        load_project(root)
    return str(exc_info.value)


def test_a_complete_mkdocs_yml_gives_the_project(tmp_path):
    (tmp_path / "mkdocs.yml").write_text(GOOD)
    project = load_project(tmp_path)
    assert project.site_url == "https://coaching.example.org/workbooks/" and project.coach.name == "Sam Rivera"


def test_a_missing_mkdocs_yml(tmp_path):
    assert error_of(tmp_path) == (
        f"mkdocs.yml not found in {tmp_path.resolve()}: run coach-site from your practice folder "
        "(the one with mkdocs.yml and clients/; `coach-site init` starts one)"
    )


def test_a_broken_mkdocs_yml(tmp_path):
    (tmp_path / "mkdocs.yml").write_text("site_url: [unclosed\n")
    message = error_of(tmp_path)
    assert message.startswith("mkdocs.yml: cannot be read: ") and "line 2" in message


@pytest.mark.parametrize("text", ["extra:\n  coach:\n    name: Sam\n", "site_url: '  '\nextra: {coach: {name: Sam}}\n",
                                  "site_url:\nextra: {coach: {name: Sam}}\n"])
def test_no_site_url_yet_is_a_practice_without_a_website(tmp_path, text):
    """A coach starts before having a host: build links the workbooks on disk (test_practice.py)."""
    (tmp_path / "mkdocs.yml").write_text(text)
    project = load_project(tmp_path)
    assert project.site_url is None and project.web_link("abc") is None
    assert project.private_link("abc", tmp_path / "site") == (tmp_path / "site" / "abc" / "index.html").as_uri()


@pytest.mark.parametrize("extra", ["", "extra: {}\n", "extra:\n  coach: {email: sam@example.org}\n"])
def test_no_coach_name(tmp_path, extra):
    (tmp_path / "mkdocs.yml").write_text("site_url: https://coaching.example.org/\n" + extra)
    assert error_of(tmp_path) == "mkdocs.yml: extra.coach.name: set it to your name (it signs the workbook)"


@pytest.mark.parametrize(
    "email, message",
    [
        ('"sam@example.org\\e[1m"', "'sam@example.org\\x1b[1m' is not an email address: it holds \\x1b, a character "
                                    "no address has (did you mean `sam@example.org`?)"),
        ("sam-at-example", "'sam-at-example' is not an email address: it has no @"),
    ],
)
def test_the_coachs_email_must_be_a_plausible_address(tmp_path, email, message):
    (tmp_path / "mkdocs.yml").write_text(GOOD + f"    email: {email}\n")
    assert error_of(tmp_path).startswith(f"mkdocs.yml: extra.coach.email: {message}")


def test_the_coachs_email_in_any_script_is_kept(tmp_path):
    (tmp_path / "mkdocs.yml").write_text(GOOD + "    email: sam@exämple.org\n")
    assert load_project(tmp_path).coach.email == "sam@exämple.org"


def test_the_practices_time_zone_is_one_the_time_zone_database_knows(tmp_path):
    (tmp_path / "mkdocs.yml").write_text(GOOD)
    assert load_project(tmp_path).timezone is None  # unset: a session's time is the same wherever one is
    (tmp_path / "mkdocs.yml").write_text(GOOD + "  timezone: America/New_York\n")
    project = load_project(tmp_path)
    assert project.timezone == "America/New_York"
    assert project.timezone_of(None) == "America/New_York" and project.timezone_of("Asia/Tokyo") == "Asia/Tokyo"


@pytest.mark.parametrize("written, said", [
    ("Europe/Berln", "`Europe/Berln` is not a time zone (did you mean `Europe/Berlin`?)"),
    ("CET+1", "`CET+1` is not a time zone; write its IANA name, like Europe/Berlin or America/New_York"),
    ("2", "`2` is not a time zone; write its IANA name, like Europe/Berlin or America/New_York"),
])
def test_an_unknown_time_zone_names_mkdocs_yml_and_the_setting(tmp_path, written, said):
    (tmp_path / "mkdocs.yml").write_text(GOOD + f"  timezone: {written}\n")
    assert error_of(tmp_path) == f"mkdocs.yml: extra.timezone: {said}"
