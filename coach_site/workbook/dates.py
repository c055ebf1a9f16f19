"""Dates as people write them: "20 October 2026", whatever the machine's locale."""

from __future__ import annotations

import datetime as dt

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


def human_date(day: dt.date | None) -> str:
    """`2026-10-20` -> `20 October 2026`; an empty string for no date."""
    if day is None:
        return ""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def short_date(day: dt.date) -> str:
    """`2026-10-20` -> `20 Oct 2026`, for labels in small pictures."""
    return f"{day.day} {MONTHS[day.month - 1][:3]} {day.year}"
