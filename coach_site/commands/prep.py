"""`coach-site prep`: the coach's agenda for the next session, from the client file.

Follows the seed's "Coach Preparation": review the values, then about 15 minutes per
focus area on its questions, with what is answered, what is still open, the rating
trend and the open next steps. For the coach only: never part of a published site.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from coach_site.clientfile.catalogue import QUESTIONS
from coach_site.clientfile.model import FocusArea, Workbook
from coach_site.workbook.dates import human_date, short_date

MINUTES_PER_AREA = 15
MINUTES_FOR_VALUES = 10
# The focus area's questions, in the catalogue's order; its next steps have a list of their own.
AREA_QUESTIONS = tuple(q for q in QUESTIONS.focus_area if q.kind != "list")


@dataclass(frozen=True)
class Question:
    question: str
    answer: str | None  # None: still open, to explore in the session


@dataclass(frozen=True)
class AreaAgenda:
    name: str
    minutes: int
    questions: list[Question]
    trend: str | None
    next_steps: list[str]

    @property
    def open_questions(self) -> int:
        return sum(1 for q in self.questions if q.answer is None)


@dataclass(frozen=True)
class Agenda:
    client: str
    next_session: dt.date | None
    values: list[tuple[str, str | None]]
    areas: list[AreaAgenda]
    homework_due: dt.date | None
    action_items: list[str]

    @property
    def total_minutes(self) -> int:
        return MINUTES_FOR_VALUES + sum(a.minutes for a in self.areas)


def session_agenda(workbook: Workbook) -> Agenda:
    """The agenda of the next session for one client."""
    return Agenda(
        client=workbook.client.name,
        next_session=workbook.next_session,
        values=[(v.name, v.meaning) for v in workbook.values],
        areas=[_area_agenda(area) for area in workbook.focus_areas],
        homework_due=workbook.homework.due,
        action_items=list(workbook.homework.action_items),
    )


def _area_agenda(area: FocusArea) -> AreaAgenda:
    questions = []
    for asked in AREA_QUESTIONS:
        value = getattr(area, asked.field)
        if asked.kind == "rating":
            value = f"{value.current}/10" if value else None
        questions.append(Question(asked.question, value))
    return AreaAgenda(area.name, MINUTES_PER_AREA, questions, rating_trend_text(area), list(area.next_steps))


def rating_trend_text(area: FocusArea) -> str | None:
    """`4 (1 Jul 2026) -> 5 (15 Sep 2026) -> 6 (13 Oct 2026)`, or `6` for a plain rating."""
    if area.satisfaction is None:
        return None
    return " -> ".join(
        f"{r.value} ({short_date(r.when)})" if r.when else str(r.value) for r in area.satisfaction.history
    )


def agenda_markdown(agenda: Agenda) -> str:
    """The agenda as a Markdown document, to keep with session notes."""
    when = f": {human_date(agenda.next_session)}" if agenda.next_session else ""
    out = [f"# Session prep: {agenda.client}{when}", ""]
    out += [f"About {agenda.total_minutes} minutes: values {MINUTES_FOR_VALUES}, "
            f"{len(agenda.areas)} focus area(s) x {MINUTES_PER_AREA}.", ""]
    out += [f"## Review the values ({MINUTES_FOR_VALUES} min)", ""]
    out += [f"- **{name}**" + (f": {meaning}" if meaning else "") for name, meaning in agenda.values] or [
        "- No values yet: start with the Values session."
    ]
    for area in agenda.areas:
        out += ["", f"## {area.name} (about {area.minutes} min)", ""]
        out += [f"Rating: {area.trend or 'not rated yet'}. "
                f"{area.open_questions} of {len(area.questions)} questions still open.", ""]
        for q in area.questions:
            if q.answer is None:
                out.append(f"- [ ] **Still open:** {q.question}")
            else:
                answer = "\n".join(f"  {line}" for line in q.answer.splitlines() if line.strip())
                out.append(f"- {q.question}\n{answer}")
        out += ["", "Open next steps:"] + ([f"- [ ] {s}" for s in area.next_steps] or ["- none yet"])
    out += ["", "## Homework"]
    if agenda.homework_due:
        out.append(f"Due {human_date(agenda.homework_due)}.")
    out += [f"- [ ] {item}" for item in agenda.action_items] or ["- No action items beyond the standard homework."]
    return "\n".join(out) + "\n"
