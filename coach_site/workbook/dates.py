"""Dates as people write them: "20 October 2026", whatever the machine's locale.

The month names come from Babel (the Unicode CLDR data), in the workbook's language.
"""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date, get_day_names

LANGUAGE = "en"  # the workbook's language (mkdocs.yml's theme.language is English)


def human_date(day: dt.date | None, locale: str = LANGUAGE) -> str:
    """`2026-10-20` -> `20 October 2026`; an empty string for no date."""
    if day is None:
        return ""
    return format_date(day, "d MMMM y", locale=locale)


def short_date(day: dt.date, locale: str = LANGUAGE) -> str:
    """`2026-10-20` -> `20 Oct 2026`, for labels in small pictures."""
    return format_date(day, "d MMM y", locale=locale)


def weekday_names(locale: str = LANGUAGE) -> list[str]:
    """Monday to Sunday, written out in the workbook's language ("Monday", ...)."""
    names = get_day_names("wide", context="format", locale=locale)
    return [names[day] for day in range(7)]  # Babel counts from Monday = 0
