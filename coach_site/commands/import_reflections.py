"""`coach-site import-reflections`: a coachee's downloaded reflections, back into their client file.

Fills what the client file leaves empty, replaces an answer the coachee wrote before with
their newer version (see clientfile/authorship.py), adds new next steps and the coachee's
rating (dated today) to the history, records steps ticked done, keeps review notes beside
the coach's answers (never over them), and lists every conflict (a question the coach
answered and the coachee answered differently) without touching it unless asked
(--overwrite for all, --take for one). The client file is edited in place by the
round-trip writer, so its comments, order, quoting and blank lines stay as the coach
wrote them; a new answer goes where its question stands in the catalogue's order.

Reflections from a sealed workbook arrive sealed (clientfile/sealed_reflections.py): they
are opened with the client's keys (workbook/previous_keys.py: the link's own, then those of
links `rotate` retired), then go through the same checks as any reflections file.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coach_site.clientfile.authorship import FIELD, answer_key, fingerprint, is_coachees
from coach_site.clientfile.catalogue import QUESTIONS
from coach_site.clientfile.edit import (
    Appended,
    MarkedDone,
    set_values,
    write_atomically,
)
from coach_site.clientfile.loader import (
    ClientDocument,
    field_label,
    load_client_bytes,
    load_client_file,
)
from coach_site.clientfile.model import FocusArea, Reflections, Schedule, Step, TedTalk, Value, Workbook
from coach_site.clientfile.sealed_reflections import is_sealed, sealed_workbook_id, unseal, workbook_id
from coach_site.clientfile.validate import validate_client
from coach_site.commands.reflections_source import reflections_source
from coach_site.errors import ClientFileError, CoachSiteError, Problem
from coach_site.project import Project
from coach_site.project_loader import load_project
from coach_site.workbook.previous_keys import reflection_keys


@dataclass
class ImportReport:
    client_file: Path
    old_text: str
    new_text: str
    filled: list[str] = field(default_factory=list)
    revised: list[str] = field(default_factory=list)  # the coachee's earlier answer, replaced by their newer one
    conflicts: list[str] = field(default_factory=list)
    conflict_texts: dict[str, tuple[str, str]] = field(default_factory=dict)  # label -> (the file's, theirs)
    overwritten: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    anything_we_missed: str | None = None
    came_in: dict[str, int] = field(default_factory=dict)  # kind (see KINDS) -> how many were set

    @property
    def changed(self) -> bool:
        return self.new_text != self.old_text

    def diff(self) -> str:
        name = str(self.client_file)
        return "".join(difflib.unified_diff(
            self.old_text.splitlines(keepends=True), self.new_text.splitlines(keepends=True), name, name
        ))


def import_reflections(
    client_file: Path, reflections_file: Path | str, *, overwrite: bool = False, dry_run: bool = False,
    today: dt.date | None = None, pasted: bytes | None = None, take: tuple[str, ...] = (),
    project: Project | None = None,
) -> ImportReport:
    """Merge reflections into a client file (unless dry_run) and report what happened.

    `reflections_file` is the file the coachee downloaded, a saved email (`.eml`) that
    carries them, or `-` with `pasted` (the text pasted on standard input); sealed, they are
    opened with the client's keys, the earlier links' from `project`'s `.coach-site/` (the
    practice in the working folder when not given). `take`: the conflicts (by their label,
    `Career: outcome`) where the coachee's answer is taken.
    """
    workbook = validate_client(load_client_file(client_file))  # a broken client file is said before the source
    raw, where = reflections_source(reflections_file, pasted)
    if is_sealed(raw):
        raw = _opened(raw, where, client_file, workbook, project)
    return merge_reflections(client_file, raw, where, overwrite=overwrite, dry_run=dry_run, today=today, take=take,
                             workbook=workbook)


def merge_reflections(
    client_file: Path, raw: bytes, where: Path, *, overwrite: bool = False, dry_run: bool = False,
    today: dt.date | None = None, take: tuple[str, ...] = (), workbook: Workbook | None = None,
) -> ImportReport:
    """Merge the reflections file `raw` (named `where` in errors, opened already when it came
    sealed) into a client file, as import_reflections does: for `inbox`, which has found them
    in a mail itself."""
    workbook = workbook or validate_client(load_client_file(client_file))
    document = load_client_bytes(raw, where)
    reflections = validate_client(document, Reflections)
    _refuse_conflicting_duplicates(document, reflections)
    if not workbook.link.is_own_token(reflections.link.token):
        raise ClientFileError([Problem(
            document.path, document.line_of(("link", "token")), "link.token",
            f"these reflections come from another workbook, not from {client_file.name}'s; nothing was imported",
        )])
    # Decoded as it is, not read as text: that would turn a Windows file's CRLF into LF.
    old_text = client_file.read_bytes().decode("utf-8")
    report = ImportReport(client_file, old_text, old_text, anything_we_missed=reflections.anything_we_missed)
    merge = _Merge(workbook, report, overwrite, today or dt.date.today(), take)
    changes = merge.changes(reflections)
    merge.refuse_unknown_takes()
    report.came_in = came_in(merge.set)
    if changes:
        report.new_text = set_values(old_text, changes, order=FIELD_ORDER)
        # The result must still be a valid client file before it replaces the coach's.
        validate_client(load_client_bytes(report.new_text.encode("utf-8"), client_file))
        if not dry_run:
            write_atomically(client_file, report.new_text)
    return report


def _opened(raw: bytes, where: Path, client_file: Path, workbook: Workbook, project: Project | None) -> bytes:
    """Sealed reflections opened with this client's keys: refused, before any key is tried,
    when they name another workbook than one of this client's links."""
    named = sealed_workbook_id(raw)
    own = {workbook_id(token) for token in (*workbook.link.previous_tokens, workbook.link.token)}
    if named is not None and named not in own:
        raise ClientFileError([Problem(
            where, None, "",
            f"these sealed reflections come from another workbook, not from {client_file.name}'s; nothing was "
            "imported. Check that you named the right client file",
        )])
    return unseal(raw, reflection_keys(client_file, project or load_project()), where)


class _Merge:
    """What to set in the client file for one reflections file; never overwrites the coach's
    words unless asked, and says what it did with each thing the coachee wrote."""

    def __init__(self, workbook: Workbook, report: ImportReport, overwrite: bool, today: dt.date,
                 take: tuple[str, ...] = ()):
        self.workbook, self.report, self.overwrite, self.today = workbook, report, overwrite, today
        self.take = {label.casefold(): label for label in take}
        self.taken: set[str] = set()
        self.set: dict[tuple, Any] = {}
        self.record: dict[tuple, str] = {}  # whose words: written after the answers, at the file's end

    def changes(self, reflections: Reflections) -> dict:
        self.areas(reflections.focus_areas)
        self.values(reflections.values)
        self.steps(("homework", "action_items"), QUESTIONS.homework.action_items.short,
                   self.workbook.homework.action_items, reflections.homework.action_items, new_allowed=False)
        for section in (QUESTIONS.schedule, QUESTIONS.ted_talk):
            ours, theirs = getattr(self.workbook, section.name), getattr(reflections, section.name)
            for asked in section:
                self.merge((section.name, asked.field), f"{section.name.replace('_', ' ')}: {asked.short}",
                           getattr(ours, asked.field), getattr(theirs, asked.field),
                           answer_key(section.name, asked.field))
        self.merge(("anything_we_missed",), QUESTIONS.homework.anything_we_missed.short,
                   self.workbook.anything_we_missed, reflections.anything_we_missed, answer_key("anything_we_missed"))
        return {**self.set, **self.record}

    def merge(self, path: tuple, label: str, ours: Any, theirs: Any, key: str | None = None) -> None:
        """Fill what is empty, and replace the coachee's own earlier answer (at `key` in the
        record); an answer of the coach's that differs is a conflict, unless taken."""
        if theirs is None or ours == theirs:
            return
        record = self.workbook.from_coachee
        if ours is None:
            self.report.filled.append(label)
        elif key is not None and is_coachees(record, key, ours):
            self.report.revised.append(label)
        elif self.overwrite or label.casefold() in self.take:
            self.taken.add(label.casefold())
            self.report.overwritten.append(label)
        else:
            self.report.conflicts.append(label)
            self.report.conflict_texts[label] = (str(ours), str(theirs))
            return
        self.set[path] = theirs
        if key is not None:  # the coachee's words now: their next version may replace them
            self.record[(FIELD, key)] = fingerprint(theirs)

    def refuse_unknown_takes(self) -> None:
        """A --take that names no conflict is a typo: say so, with the conflicts there are."""
        unknown = [label for folded, label in self.take.items() if folded not in self.taken]
        if unknown:
            there = "; ".join(self.report.conflicts) or "none"
            raise CoachSiteError(f"--take {unknown[0]}: no conflict of that name (the conflicts: {there}); "
                                 "nothing was imported")

    def areas(self, areas: list[FocusArea]) -> None:
        index_by_name = {area.name.casefold(): i for i, area in enumerate(self.workbook.focus_areas)}
        for theirs in _merged_areas(areas):
            index = index_by_name.get(theirs.name.casefold())
            if index is None:
                self.report.skipped.append(f"{theirs.name}: not a focus area of this client")
                continue
            ours = self.workbook.focus_areas[index]
            for asked in QUESTIONS.focus_area.text_answers():
                self.merge(("focus_areas", index, asked.field), f"{ours.name}: {asked.short}",
                           getattr(ours, asked.field), getattr(theirs, asked.field),
                           answer_key("focus_areas", ours.name, asked.field))
            if theirs.satisfaction is not None:
                self.rating(index, ours, theirs.satisfaction.current)
            for answer_field, note in theirs.notes.items():
                # A note beside the coach's answer: kept under `notes`, the answer stays as written.
                self.merge(("focus_areas", index, "notes", answer_field), f"{ours.name}: note on {_short(answer_field)}",
                           ours.notes.get(answer_field), note, answer_key("focus_areas", ours.name, "notes", answer_field))
            self.steps(("focus_areas", index, "next_steps"), f"{ours.name}: {QUESTIONS.focus_area.next_steps.short}",
                       ours.next_steps, theirs.next_steps, new_allowed=True)

    def rating(self, index: int, ours: FocusArea, rating: int) -> None:
        """The coachee's rating now joins the history, dated today; the coach's ratings stay."""
        label = f"{ours.name}: {QUESTIONS.focus_area.satisfaction.short} {rating} on {self.today.isoformat()}"
        path = ("focus_areas", index, "satisfaction")
        history = ours.satisfaction.history if ours.satisfaction else ()
        if not history:
            self.set[path] = {self.today: rating}
            self.report.filled.append(label)
            return
        same_day = next((r for r in history if r.when == self.today), None)
        if same_day is not None:
            if same_day.value != rating:
                self.merge((*path, self.today.isoformat()), label, same_day.value, rating)
            return
        undated = history[0] if history[0].when is None else None
        if undated is None:
            self.set[(*path, self.today.isoformat())] = rating
            self.report.filled.append(label)
            return
        since = self.workbook.sessions.get("strategy") or self.workbook.sessions.get("values")
        since = dt.date.fromordinal(since.toordinal()) if since is not None else None  # its day, not its time
        if since is None or since >= self.today:
            self.report.conflicts.append(
                f"{label} (the file's rating {undated.value} has no date: write it as a history, "
                f"`satisfaction: {{YYYY-MM-DD: {undated.value}}}`, and import again)")
            return
        # The coach's undated rating is the one from the session: dated so, it stays in the history.
        self.set[path] = {since: undated.value, self.today: rating}
        self.report.filled.append(label)

    def steps(self, path: tuple, label: str, ours: list[Step], theirs: list[Step], *, new_allowed: bool) -> None:
        """New steps appended (none twice); steps ticked done recorded as done today."""
        known = {str(step): index for index, step in enumerate(ours)}
        added = []
        for step in theirs:
            if str(step) in known:
                index = known[str(step)]
                if step.done and not ours[index].done and (*path, index) not in self.set:
                    self.set[(*path, index)] = MarkedDone(self.today)
                    self.report.filled.append(f"{label} done: {step}")
            elif not new_allowed:
                self.report.skipped.append(f"{label} ticked done, no longer in the file: {step}")
            elif str(step) not in [str(a) for a in added]:
                added.append(step)
                self.report.filled.append(f"{label.replace(': ', ': new ', 1)}{' (done)' if step.done else ''}: {step}")
        if added:
            self.set[path] = Appended(
                [{"step": str(s), "done": self.today} if s.done else str(s) for s in added]
            )

    def values(self, values: list[Value]) -> None:
        """A meaning fills an empty one; beside one the coach wrote, it is kept as a note."""
        index_by_name = {value.name.casefold(): i for i, value in enumerate(self.workbook.values)}
        meaning = QUESTIONS.values.meaning.short
        for theirs in values:
            index = index_by_name.get(theirs.name.casefold())
            if index is None:
                self.report.skipped.append(f"{theirs.name}: not a value of this client")
                continue
            ours = self.workbook.values[index]
            if theirs.meaning is None or theirs.meaning == ours.meaning:
                continue
            if ours.meaning is None or is_coachees(self.workbook.from_coachee,
                                                   answer_key("values", ours.name, "meaning"), ours.meaning):
                self.merge(("values", index, "meaning"), f"{ours.name}: {meaning}", ours.meaning, theirs.meaning,
                           answer_key("values", ours.name, "meaning"))
            else:
                self.merge(("values", index, "note"), f"{ours.name}: note beside the {meaning}", ours.note,
                           theirs.meaning, answer_key("values", ours.name, "note"))


# What a coachee's reflections bring, in the order `inbox` lists them.
KINDS = ("answers", "notes", "ratings", "new steps", "ticks", "schedule", "TED talk")


def came_in(changes: dict[tuple, Any]) -> dict[str, int]:
    """How many of each kind of thing a merge sets (a value's place in the client file says its kind)."""
    counts = dict.fromkeys(KINDS, 0)
    for path, value in changes.items():
        if isinstance(value, Appended):
            counts["new steps"] += len(value)
            continue
        counts[_kind(path, value)] += 1
    return {kind: n for kind, n in counts.items() if n}


def _kind(path: tuple, value: Any) -> str:
    if isinstance(value, MarkedDone):
        return "ticks"
    if path[0] == "schedule":
        return "schedule"
    if path[0] == "ted_talk":
        return "TED talk"
    if "satisfaction" in path:
        return "ratings"
    if "notes" in path or path[-1] == "note":
        return "notes"
    return "answers"


# Where a new answer goes among the keys already there: as the format lists them, which is
# the order of the questions (an outcome before the next steps, the week before the month).
FIELD_ORDER = {name: rank for model in (Workbook, FocusArea, Value, Schedule, TedTalk)
               for rank, name in enumerate(model.model_fields)}


def _short(field: str) -> str:
    return QUESTIONS.focus_area[field].short or field


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
                    document.path, document.line_of(("focus_areas", index, name)), field_label(("focus_areas", index, name), document.data),
                    f"'{area.name}' is the same focus area as '{other.name}' (line "
                    f"{document.line_of(('focus_areas', first))}), and the two answer {name} differently; "
                    "keep the answer you want in one of them, then import again. Nothing was imported.",
                ))
    if problems:
        raise ClientFileError(problems)
