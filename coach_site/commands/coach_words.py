"""The words of the coach's reports (`prep`, `changes`) in the practice's language.

They live in `coach_words.yaml` beside this module, not in the Python, so a translator
finds them in the catalogues with the workbook's words (`pybabel extract` reads the file).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

from coach_site.workbook.translations import translate_words, translations

WORDS_FILE = Path(__file__).with_name("coach_words.yaml")


class CoachWords:
    """One report's words: `say("due", day="3 November 2026")` fills in a sentence."""

    def __init__(self, words: dict[str, str]):
        self._words = words

    def __call__(self, key: str, **fields: Any) -> str:
        words = self._words[key]
        if callable(words):  # a counted message: its form for `count`
            words = words(fields["count"])
        return words.format(**fields)


def coach_words(report: str, language: str) -> CoachWords:
    """The words of `report` ("prep" or "changes") in `language` (English without a catalogue)."""
    return CoachWords(_translated(translations(language))[report])


@functools.lru_cache(maxsize=8)
def _translated(translated: Any) -> dict[str, dict[str, str]]:
    return translate_words(_read(), translated.gettext, translated.ngettext)


@functools.cache
def _read() -> dict[str, dict[str, str]]:
    return yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8"))
