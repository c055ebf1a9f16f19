"""What changed in a client's file between two versions, said in coaching terms."""

from __future__ import annotations

from pathlib import Path

from coach_site.clientfile.catalogue import QUESTIONS
from coach_site.clientfile.history import changes_base, workbook_at
from coach_site.clientfile.model import FocusArea, Step, Workbook
from coach_site.workbook.dates import human_date
from coach_site.workbook.pipeline import check_client

# The free-text answers of a focus area, as a coach would name them in a sentence.
AREA_ANSWERS = {q.field: q.short for q in QUESTIONS.focus_area.text_answers()}
_SECTIONS = (QUESTIONS.schedule, QUESTIONS.ted_talk)


def describe_changes(before: Workbook | None, after: Workbook) -> list[str]:
    """One line per area or section that changed, e.g. "Health: rating 3 -> 4; outcome reworded"."""
    if before is None:
        return ["New client file: everything is new."]
    lines: list[str] = []
    old_areas = {a.name: a for a in before.focus_areas}
    new_areas = {a.name: a for a in after.focus_areas}
    for name, area in new_areas.items():
        if name not in old_areas:
            lines.append(f"{name}: new focus area")
        else:
            notes = _area_changes(old_areas[name], area)
            if notes:
                lines.append(f"{name}: " + "; ".join(notes))
    lines += [f"{name}: focus area removed" for name in old_areas if name not in new_areas]

    old_values = {v.name: v for v in before.values}
    new_values = {v.name: v for v in after.values}
    value = QUESTIONS.values.values.short
    value_notes = [f"new {value} {n}" for n in new_values if n not in old_values]
    value_notes += [f"{value} {n} removed" for n in old_values if n not in new_values]
    value_notes += [
        f"{n}: {QUESTIONS.values.meaning.short} {_verb(old_values[n].meaning, v.meaning)}"
        for n, v in new_values.items()
        if n in old_values and old_values[n].meaning != v.meaning
    ]
    value_notes += [
        f"{n}: their note {_verb(old_values[n].note, v.note)}"
        for n, v in new_values.items()
        if n in old_values and old_values[n].note != v.note
    ]
    if value_notes:
        lines.append("Values: " + "; ".join(value_notes))

    homework = _list_changes(
        QUESTIONS.homework.action_items.short, before.homework.action_items, after.homework.action_items
    )
    if before.anything_we_missed != after.anything_we_missed:
        missed = QUESTIONS.homework.anything_we_missed.short
        lines.append(f"{missed[0].upper()}{missed[1:]}: {_verb(before.anything_we_missed, after.anything_we_missed)}")
    if before.homework.due != after.homework.due:
        homework.insert(0, f"due {_day(before.homework.due)} -> {_day(after.homework.due)}")
    if homework:
        lines.append("Homework: " + "; ".join(homework))
    if before.next_session != after.next_session:
        lines.append(f"Next session: {_day(before.next_session)} -> {_day(after.next_session)}")

    for section in _SECTIONS:
        old, new = getattr(before, section.name), getattr(after, section.name)
        notes = [
            f"{q.short} {_verb(getattr(old, q.field), getattr(new, q.field))}"
            for q in section
            if getattr(old, q.field) != getattr(new, q.field)
        ]
        if notes:
            lines.append(f"{section.short[0].upper()}{section.short[1:]}: " + "; ".join(notes))
    return lines or ["No changes."]


def _area_changes(old: FocusArea, new: FocusArea) -> list[str]:
    notes = []
    old_rating = old.satisfaction.current if old.satisfaction else None
    new_rating = new.satisfaction.current if new.satisfaction else None
    if old_rating != new_rating:
        notes.append(f"rating {_rating(old_rating)} -> {_rating(new_rating)}")
    for field, label in AREA_ANSWERS.items():
        was, now = getattr(old, field), getattr(new, field)
        if was != now:
            notes.append(f"{label} {_verb(was, now)}")
    for field in sorted(set(old.notes) | set(new.notes)):
        was, now = old.notes.get(field), new.notes.get(field)
        if was != now:
            notes.append(f"note on {QUESTIONS.focus_area[field].short} {_verb(was, now)}")
    notes += _list_changes(QUESTIONS.focus_area.next_steps.short, old.next_steps, new.next_steps)
    return notes


def _list_changes(noun: str, old: list[Step], new: list[Step]) -> list[str]:
    added = [f"new {noun}{' (done)' if item.done else ''}: {item}" for item in new if item not in old]
    removed = [f"{noun} removed: {item}" for item in old if item not in new]
    was_done = {str(item) for item in old if item.done}
    done = [f"{noun} done: {item}" for item in new if item.done and item in old and str(item) not in was_done]
    return added + done + removed


def _verb(was: str | None, now: str | None) -> str:
    if was is None:
        return "written"
    if now is None:
        return "cleared"
    return "reworded"


def _rating(value: int | None) -> str:
    return "none" if value is None else str(value)


def _day(day) -> str:
    return human_date(day) if day else "none"


def changes_since(client_file: Path, revision: str | None) -> tuple[str, list[str]]:
    """What changed in the file since `revision` (default: its previous commit): how to
    name that revision, and one line per change."""
    revision, label = changes_base(client_file, revision)
    before = workbook_at(client_file, revision) if revision else None
    return label, describe_changes(before, check_client(client_file))
