"""`coach-site prep`: the coach's agenda for the next session, from the client file.

Follows the seed's "Coach Preparation": review the values, then about 15 minutes per
focus area on its questions, with what is answered, what is still open, the rating
trend and the open next steps. For the coach only: never part of a published site.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from coach_site.clientfile.model import FocusArea, Step, Value, Workbook
from coach_site.commands.coach_words import CoachWords, coach_words
from coach_site.workbook.dates import LANGUAGE, human_date, short_date
from coach_site.workbook.render import questions_in

MINUTES_PER_AREA = 15
MINUTES_FOR_VALUES = 10


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
    language: str = LANGUAGE  # the practice's (theme.language): the agenda is for the coach
    # The two largest pieces of homework, by their section's name: the ideal schedule, the TED talk.
    free_writes: tuple[tuple[str, list[Question]], ...] = ()

    @property
    def total_minutes(self) -> int:
        return MINUTES_FOR_VALUES + sum(a.minutes for a in self.areas)


def session_agenda(workbook: Workbook, language: str = LANGUAGE) -> Agenda:
    """The agenda of the next session for one client, in the practice's `language`."""
    return Agenda(
        client=workbook.client.name,
        next_session=workbook.next_session,
        values=list(workbook.values),
        areas=[_area_agenda(area, language) for area in workbook.focus_areas],
        homework_due=workbook.homework.due,
        action_items=list(workbook.homework.action_items),
        anything_we_missed=workbook.anything_we_missed,
        language=language,
        free_writes=tuple(_free_write(workbook, section) for section in
                          (questions_in(language).schedule, questions_in(language).ted_talk)),
    )


def _free_write(workbook: Workbook, section) -> tuple[str, list[Question]]:
    """A homework section the coachee writes freely (schedule, TED talk), question by question."""
    written = getattr(workbook, section.name)
    return section.short, [Question(asked.question, getattr(written, asked.field)) for asked in section]


def _area_agenda(area: FocusArea, language: str) -> AreaAgenda:
    questions = []
    for asked in _area_questions(language):
        value = getattr(area, asked.field)
        if asked.kind == "rating":
            value = f"{value.current}/10" if value else None
        questions.append(Question(asked.question, value, area.notes.get(asked.field)))
    return AreaAgenda(area.name, MINUTES_PER_AREA, questions, rating_trend_text(area, language), list(area.next_steps))


def _area_questions(language: str) -> tuple:
    """The focus area's questions, in the catalogue's order; its next steps have a list of their own."""
    return tuple(q for q in questions_in(language).focus_area if q.kind != "list")


def rating_trend_text(area: FocusArea, language: str = LANGUAGE) -> str | None:
    """`4 (1 Jul 2026) -> 5 (15 Sep 2026) -> 6 (13 Oct 2026)`, or `6` for a plain rating."""
    if area.satisfaction is None:
        return None
    return " -> ".join(
        f"{r.value} ({short_date(r.when, language)})" if r.when else str(r.value) for r in area.satisfaction.history
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
    """The agenda, line by line, in the agenda's language."""
    say, language = coach_words("prep", agenda.language), agenda.language
    title = (say("title_on", client=agenda.client, day=human_date(agenda.next_session, language))
             if agenda.next_session else say("title", client=agenda.client))
    out = [_heading(title, level=1), _text()]
    out += [_text(say("length", minutes=agenda.total_minutes, values_minutes=MINUTES_FOR_VALUES,
                      count=len(agenda.areas), area_minutes=MINUTES_PER_AREA)), _text()]
    out += [_heading(say("values", minutes=MINUTES_FOR_VALUES)), _text()]
    out += [_item(_value_text(value, say), lead=value.name) for value in agenda.values] or [
        _item(say("no_values"))
    ]
    for area in agenda.areas:
        out += [_text(), _heading(say("area", area=area.name, minutes=area.minutes)), _text()]
        out += [_text(say("rating", trend=area.trend or say("not_rated"), open=area.open_questions,
                          total=len(area.questions))), _text()]
        out += _questions(area.questions, say)
        steps = [_step(s, say, language) for s in area.next_steps] or [_item(say("no_steps"))]
        out += [_text(), _text(say("next_steps"))] + steps
    out += [_text(), _heading(say("homework"))]
    if agenda.homework_due:
        out.append(_text(say("due", day=human_date(agenda.homework_due, language))))
    if agenda.anything_we_missed:
        asked = questions_in(language).homework.anything_we_missed.question
        out.append(_text(f"{_first_sentence(asked)} {' '.join(agenda.anything_we_missed.split())}"))
    out += [_step(i, say, language) for i in agenda.action_items] or [_item(say("no_action_items"))]
    for name, questions in agenda.free_writes:
        out += [_text(), _heading(name[:1].upper() + name[1:]), _text()]
        out += _questions(questions, say)
    return out


def _questions(questions: list[Question], say: CoachWords) -> list[AgendaLine]:
    """Each question with its answer below it (and the coachee's note), or marked still open."""
    out = []
    for q in questions:
        if q.answer is None:
            out.append(AgendaLine("open", q.question, lead=say("still_open")))
        else:
            out.append(_item(q.question))
            answer = [_text(f"  {line}") for line in q.answer.splitlines() if line.strip()]
            out += answer or [_text()]
        if q.note:
            out.append(_text(f"  {say('answer_note', note=' '.join(q.note.split()))}"))
    return out


def _first_sentence(question: str) -> str:
    """"Is there anything we missed? Write it here." -> "Is there anything we missed?" (any script's ?)."""
    for end, mark in enumerate(question):
        if mark in "?？؟":
            return question[: end + 1]
    return question


def _value_text(value: Value, say: CoachWords) -> str:
    meaning = f": {value.meaning}" if value.meaning else ""
    return meaning + (f" {say('value_note', note=' '.join(value.note.split()))}" if value.note else "")


def _step(step: Step, say: CoachWords, language: str) -> AgendaLine:
    """A step still open to tick in the session, or one done (with its day when known)."""
    if not step.done:
        return _todo(step)
    if isinstance(step.done, dt.date):
        return AgendaLine("done", say("done_on", step=step, day=human_date(step.done, language)))
    return AgendaLine("done", str(step))


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
