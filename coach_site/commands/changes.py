"""What changed in a client's file between two versions, said in coaching terms."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from coach_site.clientfile.authorship import answer_key, is_coachees
from coach_site.clientfile.history import changes_base, workbook_at
from coach_site.clientfile.model import FocusArea, SessionDate, Step, Workbook
from coach_site.commands.coach_words import coach_words
from coach_site.workbook.dates import LANGUAGE, human_date
from coach_site.workbook.pipeline import check_client
from coach_site.workbook.render import questions_in


def describe_changes(before: Workbook | None, after: Workbook, language: str = LANGUAGE) -> list[str]:
    """One line per area or section that changed, e.g. "Health: rating 3 -> 4; outcome reworded",
    in the practice's `language`."""
    say = _Sayer(language, before, after)
    if before is None:
        return [say("new_file")]
    lines: list[str] = []
    old_areas = {a.name: a for a in before.focus_areas}
    new_areas = {a.name: a for a in after.focus_areas}
    for name, area in new_areas.items():
        if name not in old_areas:
            lines.append(say("new_area", area=name))
        elif notes := _area_changes(old_areas[name], area, say):
            lines.append(_joined(name, notes))
    lines += [say("area_removed", area=name) for name in old_areas if name not in new_areas]

    if value_notes := _value_changes(before, after, say):
        lines.append(say("values", changes=_list(value_notes)))

    asked = say.questions
    homework = _step_changes(asked.homework.action_items.short, before.homework.action_items,
                             after.homework.action_items, say)
    if before.anything_we_missed != after.anything_we_missed:
        missed = asked.homework.anything_we_missed.short
        lines.append(say.changed(_capitalised(missed), before.anything_we_missed, after.anything_we_missed,
                                 answer_key("anything_we_missed")))
    if before.homework.due != after.homework.due:
        homework.insert(0, say("due", before=say.day(before.homework.due), after=say.day(after.homework.due)))
    if homework:
        lines.append(say("homework", changes=_list(homework)))
    if _when(before.next_session) != _when(after.next_session):  # its time of day too
        lines.append(say("next_session", before=say.day(before.next_session), after=say.day(after.next_session)))

    for section in (asked.schedule, asked.ted_talk):
        old, new = getattr(before, section.name), getattr(after, section.name)
        notes = [
            say.changed(q.short, getattr(old, q.field), getattr(new, q.field), answer_key(section.name, q.field))
            for q in section
            if getattr(old, q.field) != getattr(new, q.field)
        ]
        if notes:
            lines.append(_joined(_capitalised(section.short), notes))
    return lines or [say("none")]


class _Sayer:
    """The report's words, the catalogue's `short` names and dates, all in one language."""

    def __init__(self, language: str, before: Workbook | None = None, after: Workbook | None = None):
        self.language = language
        self.words = coach_words("changes", language)
        self.questions = questions_in(language)
        self.records = (before.from_coachee if before else {}, after.from_coachee if after else {})
        self.client = after.client.first_name if after else ""

    def __call__(self, key: str, **fields) -> str:
        return self.words(key, **fields)

    def changed(self, answer: str, was: str | None, now: str | None, key: str | None = None) -> str:
        """"outcome written", "outcome cleared", "outcome reworded", or, where the coachee's
        earlier answer (at `key` in the record) became their newer one, "Priya revised outcome"."""
        if key is not None and is_coachees(self.records[0], key, was) and is_coachees(self.records[1], key, now):
            return self("revised", name=self.client, answer=answer)
        return self("written" if was is None else "cleared" if now is None else "reworded", answer=answer)

    def day(self, day: dt.date | None) -> str:
        return human_date(day, self.language) if day else self("no_value")

    def rating(self, value: int | None) -> str:
        return self("no_value") if value is None else str(value)


def _value_changes(before: Workbook, after: Workbook, say: _Sayer) -> list[str]:
    old_values = {v.name: v for v in before.values}
    new_values = {v.name: v for v in after.values}
    value, meaning = say.questions.values.values.short, say.questions.values.meaning.short
    notes = [say("new_value", value=value, name=n) for n in new_values if n not in old_values]
    notes += [say("value_removed", value=value, name=n) for n in old_values if n not in new_values]
    kept = [(old_values[n], v) for n, v in new_values.items() if n in old_values]
    notes += [_joined(v.name, [say.changed(meaning, was.meaning, v.meaning, answer_key("values", v.name, "meaning"))])
              for was, v in kept if was.meaning != v.meaning]
    notes += [_joined(v.name, [say.changed(say("their_note"), was.note, v.note, answer_key("values", v.name, "note"))])
              for was, v in kept if was.note != v.note]
    return notes


def _area_changes(old: FocusArea, new: FocusArea, say: _Sayer) -> list[str]:
    notes = []
    old_rating = old.satisfaction.current if old.satisfaction else None
    new_rating = new.satisfaction.current if new.satisfaction else None
    if old_rating != new_rating:
        notes.append(say("rating", before=say.rating(old_rating), after=say.rating(new_rating)))
    area = say.questions.focus_area
    for asked in area.text_answers():
        was, now = getattr(old, asked.field), getattr(new, asked.field)
        if was != now:
            notes.append(say.changed(asked.short, was, now, answer_key("focus_areas", new.name, asked.field)))
    for field in sorted(set(old.notes) | set(new.notes)):
        was, now = old.notes.get(field), new.notes.get(field)
        if was != now:
            notes.append(say.changed(say("note_on", answer=area[field].short), was, now,
                                     answer_key("focus_areas", new.name, "notes", field)))
    notes += _step_changes(area.next_steps.short, old.next_steps, new.next_steps, say)
    return notes


def _step_changes(noun: str, old: list[Step], new: list[Step], say: _Sayer) -> list[str]:
    added = [say("new_step_done" if item.done else "new_step", noun=noun, step=item) for item in new if item not in old]
    removed = [say("step_removed", noun=noun, step=item) for item in old if item not in new]
    was_done = {str(item) for item in old if item.done}
    done = [say("step_done", noun=noun, step=item) for item in new
            if item.done and item in old and str(item) not in was_done]
    return added + done + removed


def _joined(name: str, notes: list[str]) -> str:
    """"Health: rating 3 -> 4; outcome reworded"."""
    return f"{name}: {_list(notes)}"


def _list(notes: list[str]) -> str:
    return "; ".join(notes)


def _capitalised(words: str) -> str:
    return words[:1].upper() + words[1:]


def changes_since(client_file: Path, revision: str | None, language: str = LANGUAGE) -> list[str]:
    """What changed in the file since `revision` (default: its previous commit), in the
    practice's `language`: a heading naming that revision, then one line per change."""
    revision, label = changes_base(client_file, revision)
    before = workbook_at(client_file, revision) if revision else None
    say = coach_words("changes", language)
    since = label or say("first_written")
    return [say("heading", client=client_file.stem, since=since),
            *describe_changes(before, check_client(client_file), language)]


def _when(session: SessionDate | None) -> tuple | None:
    """A session as compared: its day and its time (a date alone compares equal to the same day at 10:00)."""
    return session.when if session is not None else None
