"""Dates as people write them: "20 October 2026", "20. Oktober 2026", "20 octobre 2026",
whatever the machine's locale.

The month and day names, and each language's way of writing a date, come from Babel (the
Unicode CLDR data), in the workbook's language (`locale`: a theme language code such as
`de` or `pt-BR`; one Babel does not know is written in English).
"""

from __future__ import annotations

import datetime as dt
import functools

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton, get_day_names

LANGUAGE = "en"  # mkdocs.yml's theme.language when a caller names none


@functools.cache
def babel_locale(language: str) -> Locale:
    """The Babel locale of a theme language code (`pt-BR` -> pt_BR); English when unknown."""
    try:
        return Locale.parse(language.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return Locale.parse(LANGUAGE)


def human_date(day: dt.date | None, locale: str = LANGUAGE) -> str:
    """`2026-10-20` -> `20 October 2026` (`20. Oktober 2026`, `20 de octubre de 2026`, ...);
    an empty string for no date."""
    if day is None:
        return ""
    found = babel_locale(locale)
    if found.language == "en":
        return format_date(day, "d MMMM y", locale=found)  # the day first, as the workbook always wrote it
    return format_date(day, "long", locale=found)


def short_date(day: dt.date, locale: str = LANGUAGE) -> str:
    """`2026-10-20` -> `20 Oct 2026` (`20. Okt. 2026`), for labels in small pictures."""
    found = babel_locale(locale)
    if found.language == "en":
        return format_date(day, "d MMM y", locale=found)
    return format_skeleton("yMMMd", day, locale=found)


def weekday_names(locale: str = LANGUAGE) -> list[str]:
    """Monday to Sunday, written out in the workbook's language ("Monday", "Montag", ...)."""
    names = get_day_names("wide", context="format", locale=babel_locale(locale))
    return [names[day] for day in range(7)]  # Babel counts from Monday = 0
