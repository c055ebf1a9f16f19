"""Counted words take their language's plural forms (gettext's ngettext), never "(s)".

The coach's words (`prep`, the CLI's counts) are picked by gettext for the count; the
workbook's counted words are on the page in every plural category of the workbook's
language (CLDR's one, few, many, other), for its script to pick with Intl.PluralRules.
"""

from __future__ import annotations

import re

import pytest
from conftest import MINIMAL_CLIENT
from test_cli import run

from coach_site.commands.coach_words import coach_words
from coach_site.project import PACKAGE_CONTENT
from coach_site.workbook.render import load_words


@pytest.mark.parametrize(("language", "one", "two"), [
    ("en", "1 focus area x", "2 focus areas x"),
    ("de", "1 Fokusbereich ×", "2 Fokusbereiche ×"),
    ("fr", "1 domaine ×", "2 domaines ×"),
    ("es", "1 área ×", "2 áreas ×"),
])
def test_the_agendas_length_counts_areas_in_the_practices_language(language, one, two):
    say = coach_words("prep", language)
    fields = {"minutes": 25, "values_minutes": 10, "area_minutes": 15}
    assert one in say("length", count=1, **fields) and two in say("length", count=2, **fields)
    assert "(" not in say("length", count=2, **fields)


@pytest.mark.parametrize(("language", "forms"), [
    ("en", {"one": "{count} word", "other": "{count} words"}),
    ("fr", {"one": "{count} mot", "many": "{count} mots", "other": "{count} mots"}),
    ("pl", {"one", "few", "many", "other"}),  # no catalogue yet: the English words, in Polish's four forms
])
def test_a_counted_word_of_the_workbook_comes_in_every_plural_form_of_its_language(language, forms):
    word_count = load_words((PACKAGE_CONTENT,), language)["word_count"]
    assert (set(word_count) == forms) if isinstance(forms, set) else (word_count == forms)


def test_the_cli_counts_in_words(project, write_client):
    write_client(MINIMAL_CLIENT + "    satisfaction: 11\n")
    one = run(project, "check")
    assert one.returncode == 1 and "1 problem found" in one.stderr
    write_client(MINIMAL_CLIENT.replace("Ada Example", "Bo").replace("3hVt9QmK2xLp7RwZc5NbYa", "BoOwnToken7xLp7RwZc5NbYa")
                 + "    satisfaction: 0\n", "bo")
    two = run(project, "check")
    assert "2 problems found" in two.stderr and not re.search(r"\(s\)", two.stdout + two.stderr)
