"""`coach-site import-reflections`: a coachee's downloaded reflections, back into their client file.

Fills only what the client file leaves empty, adds new next steps, and lists every
conflict (a question both the file and the coachee answered) without touching it unless
asked to overwrite. The client file is edited in place by the round-trip writer, so its
comments, order, quoting and blank lines stay as the coach wrote them.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coach_site.clientfile.catalogue import QUESTIONS
from coach_site.clientfile.edit import Appended, set_values, write_atomically
from coach_site.clientfile.loader import (
    ClientDocument,
    load_client_bytes,
    load_client_file,
)
from coach_site.clientfile.model import FocusArea, Reflections, Workbook
from coach_site.clientfile.validate import validate_client
from coach_site.errors import ClientFileError, Problem


@dataclass
class ImportReport:
    client_file: Path
    old_text: str
    new_text: str
    filled: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    overwritten: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    anything_we_missed: str | None = None

    @property
    def changed(self) -> bool:
        return self.new_text != self.old_text

    def diff(self) -> str:
        name = str(self.client_file)
        return "".join(difflib.unified_diff(
            self.old_text.splitlines(keepends=True), self.new_text.splitlines(keepends=True), name, name
        ))


def import_reflections(
    client_file: Path, reflections_file: Path, *, overwrite: bool = False, dry_run: bool = False
) -> ImportReport:
    """Merge a reflections file into a client file (unless dry_run) and report what happened."""
    workbook = validate_client(load_client_file(client_file))
    document = load_client_file(reflections_file)
    reflections = validate_client(document, Reflections)
    _refuse_conflicting_duplicates(document, reflections)
    if not workbook.link.is_own_token(reflections.link.token):
        raise ClientFileError([Problem(
            reflections_file, document.line_of(("link", "token")), "link.token",
            f"these reflections come from another workbook, not from {client_file.name}'s; nothing was imported",
        )])
    # Decoded as it is, not read as text: that would turn a Windows file's CRLF into LF.
    old_text = client_file.read_bytes().decode("utf-8")
    report = ImportReport(client_file, old_text, old_text, anything_we_missed=reflections.anything_we_missed)
    changes = _changes(workbook, reflections, report, overwrite)
    if changes:
        report.new_text = set_values(old_text, changes)
        # The result must still be a valid client file before it replaces the coach's.
        validate_client(load_client_bytes(report.new_text.encode("utf-8"), client_file))
        if not dry_run:
            write_atomically(client_file, report.new_text)
    return report


def _changes(workbook: Workbook, reflections: Reflections, report: ImportReport, overwrite: bool) -> dict:
    changes: dict[tuple, Any] = {}

    def merge(path: tuple, label: str, ours: Any, theirs: Any) -> None:
        if theirs is None or ours == theirs:
            return
        if ours is None:
            changes[path] = theirs
            report.filled.append(label)
        elif overwrite:
            changes[path] = theirs
            report.overwritten.append(label)
        else:
            report.conflicts.append(label)

    index_by_name = {area.name.casefold(): i for i, area in enumerate(workbook.focus_areas)}
    for theirs in _merged_areas(reflections.focus_areas):
        index = index_by_name.get(theirs.name.casefold())
        if index is None:
            report.skipped.append(f"{theirs.name}: not a focus area of this client")
            continue
        ours = workbook.focus_areas[index]
        for asked in QUESTIONS.focus_area.text_answers():
            merge(("focus_areas", index, asked.field), f"{ours.name}: {asked.short}",
                  getattr(ours, asked.field), getattr(theirs, asked.field))
        if theirs.satisfaction is not None:
            rating = theirs.satisfaction.current
            merge(("focus_areas", index, "satisfaction"), f"{ours.name}: {QUESTIONS.focus_area.satisfaction.short}",
                  ours.satisfaction.current if ours.satisfaction else None, rating)
        new_steps = [step for step in theirs.next_steps if step not in ours.next_steps]
        if new_steps:
            changes[("focus_areas", index, "next_steps")] = Appended(new_steps)
            report.filled += [f"{ours.name}: new {QUESTIONS.focus_area.next_steps.short}: {step}" for step in new_steps]
    for section in (QUESTIONS.schedule, QUESTIONS.ted_talk):
        ours, theirs = getattr(workbook, section.name), getattr(reflections, section.name)
        for asked in section:
            merge((section.name, asked.field), f"{section.name.replace('_', ' ')}: {asked.short}",
                  getattr(ours, asked.field), getattr(theirs, asked.field))
    return changes


def _merged_areas(areas: list[FocusArea]) -> list[FocusArea]:
    """One entry per focus area: entries whose names differ only in case (a name the coach
    re-cased after the coachee wrote) are one area, their answers and next steps together."""
    merged: dict[str, FocusArea] = {}
    for area in areas:
        key = area.name.casefold()
        if key not in merged:
            merged[key] = area
            continue
        first = merged[key]
        answers = {name: getattr(first, name) or getattr(area, name) for name in _ANSWER_FIELDS}
        steps = first.next_steps + [step for step in area.next_steps if step not in first.next_steps]
        merged[key] = first.model_copy(update={**answers, "next_steps": steps})
    return list(merged.values())


_ANSWER_FIELDS = (*(q.field for q in QUESTIONS.focus_area.text_answers()), QUESTIONS.focus_area.satisfaction.field)


def _refuse_conflicting_duplicates(document: ClientDocument, reflections: Reflections) -> None:
    """Two entries for one area that answer one question differently: say so, import nothing."""
    problems, first_of = [], {}
    for index, area in enumerate(reflections.focus_areas):
        first = first_of.setdefault(area.name.casefold(), index)
        if first == index:
            continue
        other = reflections.focus_areas[first]
        for name in _ANSWER_FIELDS:
            ours, theirs = getattr(other, name), getattr(area, name)
            if ours is not None and theirs is not None and ours != theirs:
                problems.append(Problem(
                    document.path, document.line_of(("focus_areas", index, name)), f"focus_areas[{index}].{name}",
                    f"'{area.name}' is the same focus area as '{other.name}' (line "
                    f"{document.line_of(('focus_areas', first))}), and the two answer {name} differently; "
                    "keep the answer you want in one of them, then import again. Nothing was imported.",
                ))
    if problems:
        raise ClientFileError(problems)
