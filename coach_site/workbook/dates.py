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
from babel.dates import format_date, format_skeleton, format_time, get_day_names

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
    an empty string for no date. A session with a time of day (`at`, see the client file's
    SessionDate) says it too: `20 October 2026, 10:00` (`20. Oktober 2026, 10:00`)."""
    if day is None:
        return ""
    found = babel_locale(locale)
    if found.language == "en":
        written = format_date(day, "d MMMM y", locale=found)  # the day first, as the workbook always wrote it
    else:
        written = format_date(day, "long", locale=found)
    return _with_time(written, day, found)


def short_date(day: dt.date, locale: str = LANGUAGE) -> str:
    """`2026-10-20` -> `20 Oct 2026` (`20. Okt. 2026`), for labels in small pictures and
    the coach's tables (with a session's time: `20 Oct 2026, 10:00`)."""
    found = babel_locale(locale)
    if found.language == "en":
        written = format_date(day, "d MMM y", locale=found)
    else:
        written = format_skeleton("yMMMd", day, locale=found)
    return _with_time(written, day, found)


def _with_time(written: str, day: dt.date, found: Locale) -> str:
    """A day as written, and its time of day after it as the language joins them, when it has one."""
    at = getattr(day, "at", None)
    if at is None:
        return written
    # English as the workbook writes its dates, the day first: the 24-hour clock goes with it.
    clock = babel_locale("en-GB") if found.language == "en" else found
    time = format_time(at, "short", locale=clock)
    glue = str(found.datetime_formats.get("medium", "{1} {0}"))
    return glue.replace("{1}", written).replace("{0}", time)


def weekday_names(locale: str = LANGUAGE) -> list[str]:
    """Monday to Sunday, written out in the workbook's language ("Monday", "Montag", ...)."""
    names = get_day_names("wide", context="format", locale=babel_locale(locale))
    return [names[day] for day in range(7)]  # Babel counts from Monday = 0
