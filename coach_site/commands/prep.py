"""`coach-site prep`: the coach's agenda for the next session, from the client file.

Follows the seed's "Coach Preparation": review the values, then about 15 minutes per
focus area on its questions, with what is answered, what is still open, the rating
trend and the open next steps. For the coach only: never part of a published site.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from coach_site.clientfile.catalogue import QUESTIONS
from coach_site.clientfile.model import FocusArea, Step, Value, Workbook
from coach_site.workbook.dates import human_date, short_date

MINUTES_PER_AREA = 15
MINUTES_FOR_VALUES = 10
# The focus area's questions, in the catalogue's order; its next steps have a list of their own.
AREA_QUESTIONS = tuple(q for q in QUESTIONS.focus_area if q.kind != "list")


@dataclass(frozen=True)
class Question:
    question: str
    answer: str | None  # None: still open, to explore in the session
    note: str | None = None  # the coachee's review note on it (homework 1)


@dataclass(frozen=True)
class AreaAgenda:
    name: str
    minutes: int
    questions: list[Question]
    trend: str | None
    next_steps: list[Step]

    @property
    def open_questions(self) -> int:
        return sum(1 for q in self.questions if q.answer is None)


@dataclass(frozen=True)
class Agenda:
    client: str
    next_session: dt.date | None
    values: list[Value]
    areas: list[AreaAgenda]
    homework_due: dt.date | None
    action_items: list[Step]
    anything_we_missed: str | None = None

    @property
    def total_minutes(self) -> int:
        return MINUTES_FOR_VALUES + sum(a.minutes for a in self.areas)


def session_agenda(workbook: Workbook) -> Agenda:
    """The agenda of the next session for one client."""
    return Agenda(
        client=workbook.client.name,
        next_session=workbook.next_session,
        values=list(workbook.values),
        areas=[_area_agenda(area) for area in workbook.focus_areas],
        homework_due=workbook.homework.due,
        action_items=list(workbook.homework.action_items),
        anything_we_missed=workbook.anything_we_missed,
    )


def _area_agenda(area: FocusArea) -> AreaAgenda:
    questions = []
    for asked in AREA_QUESTIONS:
        value = getattr(area, asked.field)
        if asked.kind == "rating":
            value = f"{value.current}/10" if value else None
        questions.append(Question(asked.question, value, area.notes.get(asked.field)))
    return AreaAgenda(area.name, MINUTES_PER_AREA, questions, rating_trend_text(area), list(area.next_steps))


def rating_trend_text(area: FocusArea) -> str | None:
    """`4 (1 Jul 2026) -> 5 (15 Sep 2026) -> 6 (13 Oct 2026)`, or `6` for a plain rating."""
    if area.satisfaction is None:
        return None
    return " -> ".join(
        f"{r.value} ({short_date(r.when)})" if r.when else str(r.value) for r in area.satisfaction.history
    )


@dataclass(frozen=True)
class AgendaLine:
    """One line of the agenda, with what kind of line it is, so that the terminal can
    colour it by its kind and the Markdown mark it up, never by matching its words.

    kinds: "heading" (level 1 or 2), "text", "item" (a bullet, with an optional bold
    `lead`), "todo" (a box to tick), "done" (a box ticked: a step done), "open" (a
    question still open, `lead` its label).
    """

    kind: str
    text: str
    lead: str = ""
    level: int = 0

    @property
    def markdown(self) -> str:
        return self._written(0)

    @property
    def plain(self) -> str:
        """As shown in a terminal: no Markdown marks, boxes to tick as indented items."""
        return self._written(1)

    def _written(self, form: int) -> str:
        template = _FORMS.get(self.kind, _FORMS["text"])[form]
        return template.format(text=self.text, lead=self.lead, marks="#" * self.level,
                               bold=f"**{self.lead}**" if self.lead else "")


# How each kind of line is written: (in Markdown, on a terminal).
_FORMS = {
    "heading": ("{marks} {text}", "{text}"),
    "item": ("- {bold}{text}", "- {lead}{text}"),
    "todo": ("- [ ] {text}", "  - {text}"),
    "done": ("- [x] {text}", "  - [x] {text}"),
    "open": ("- [ ] {bold} {text}", "- {lead} {text}"),
    "text": ("{text}", "{text}"),
}


def agenda_lines(agenda: Agenda) -> list[AgendaLine]:
    """The agenda, line by line."""
    when = f": {human_date(agenda.next_session)}" if agenda.next_session else ""
    out = [_heading(f"Session prep: {agenda.client}{when}", level=1), _text()]
    out += [_text(f"About {agenda.total_minutes} minutes: values {MINUTES_FOR_VALUES}, "
                  f"{len(agenda.areas)} focus area(s) x {MINUTES_PER_AREA}."), _text()]
    out += [_heading(f"Review the values ({MINUTES_FOR_VALUES} min)"), _text()]
    out += [_item(_value_text(value), lead=value.name) for value in agenda.values] or [
        _item("No values yet: start with the Values session.")
    ]
    for area in agenda.areas:
        out += [_text(), _heading(f"{area.name} (about {area.minutes} min)"), _text()]
        out += [_text(f"Rating: {area.trend or 'not rated yet'}. "
                      f"{area.open_questions} of {len(area.questions)} questions still open."), _text()]
        for q in area.questions:
            if q.answer is None:
                out.append(AgendaLine("open", q.question, lead="Still open:"))
            else:
                out.append(_item(q.question))
                answer = [_text(f"  {line}") for line in q.answer.splitlines() if line.strip()]
                out += answer or [_text()]
            if q.note:
                out.append(_text(f"  Their note: {' '.join(q.note.split())}"))
        out += [_text(), _text("Next steps:")] + ([_step(s) for s in area.next_steps] or [_item("none yet")])
    out += [_text(), _heading("Homework")]
    if agenda.homework_due:
        out.append(_text(f"Due {human_date(agenda.homework_due)}."))
    if agenda.anything_we_missed:
        out.append(_text(f"{QUESTIONS.homework.anything_we_missed.question.split('?')[0]}? "
                         f"{' '.join(agenda.anything_we_missed.split())}"))
    out += [_step(i) for i in agenda.action_items] or [_item("No action items beyond the standard homework.")]
    return out


def _value_text(value: Value) -> str:
    meaning = f": {value.meaning}" if value.meaning else ""
    return meaning + (f" (their note: {' '.join(value.note.split())})" if value.note else "")


def _step(step: Step) -> AgendaLine:
    """A step still open to tick in the session, or one done (with its day when known)."""
    if not step.done:
        return _todo(step)
    when = f" (done {human_date(step.done)})" if isinstance(step.done, dt.date) else ""
    return AgendaLine("done", f"{step}{when}")


def _heading(text: str, level: int = 2) -> AgendaLine:
    return AgendaLine("heading", text, level=level)


def _text(line: str = "") -> AgendaLine:
    return AgendaLine("text", line)


def _item(line: str, lead: str = "") -> AgendaLine:
    return AgendaLine("item", line, lead)


def _todo(line: str) -> AgendaLine:
    return AgendaLine("todo", line)


def agenda_markdown(agenda: Agenda) -> str:
    """The agenda as a Markdown document, to keep with session notes."""
    return "\n".join(line.markdown for line in agenda_lines(agenda)) + "\n"
