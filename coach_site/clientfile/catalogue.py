"""The questions of the coach's method, read once from questions.yaml beside this module.

`QUESTIONS` is the whole catalogue: `QUESTIONS.focus_area.outcome.question`, or
`for q in QUESTIONS.focus_area`. Templates get it as `questions`; Jinja's
`questions.focus_area.outcome` reads the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from importlib.resources import files

import yaml


@dataclass(frozen=True)
class Box:
    """A reflection box's own label and question, where they are not the question's."""

    label: str
    question: str


@dataclass(frozen=True)
class Question:
    field: str
    question: str | None = None
    label: str | None = None
    order: int = 0
    kind: str = "text"  # text, rating or list
    short: str | None = None  # what the coach calls the answer in a sentence
    task: str | None = None  # a homework item, as the email and the homework page give it
    box: Box | None = None

    @property
    def description(self) -> str | None:
        """What the client file's JSON Schema says beside the field."""
        return self.question or self.task


@dataclass(frozen=True)
class Section:
    """The questions of one part of the client file, in the order the workbook asks them."""

    name: str
    short: str
    questions: tuple[Question, ...]

    def __iter__(self) -> Iterator[Question]:
        return iter(self.questions)

    def __getitem__(self, field: str) -> Question:
        for question in self.questions:
            if question.field == field:
                return question
        raise KeyError(f"{self.name} has no question {field!r}")

    def __getattr__(self, field: str) -> Question:
        if field.startswith("_"):
            raise AttributeError(field)
        try:
            return self[field]
        except KeyError as exc:
            raise AttributeError(str(exc)) from None

    def text_answers(self) -> tuple[Question, ...]:
        """The questions answered in free text (not a rating or a list)."""
        return tuple(q for q in self.questions if q.kind == "text")


@dataclass(frozen=True)
class Catalogue:
    focus_area: Section
    values: Section
    homework: Section
    schedule: Section
    ted_talk: Section

    def __iter__(self) -> Iterator[Section]:
        return iter((self.focus_area, self.values, self.homework, self.schedule, self.ted_talk))

    def translated(self, translate: Callable[[str], str]) -> Catalogue:
        """The catalogue in another language, `translate` taking the English text: what a
        coachee reads (each question, label, task and box) and the coach's `short` words
        (`prep` and `changes` speak the practice's language); field names stay as they are."""
        return Catalogue(**{section.name: replace(section, short=translate(section.short), questions=tuple(
            _translated(q, translate) for q in section)) for section in self})


def _translated(question: Question, translate: Callable[[str], str]) -> Question:
    def say(text: str | None) -> str | None:
        return translate(text) if text else text

    box = Box(label=say(question.box.label), question=say(question.box.question)) if question.box else None
    return replace(question, question=say(question.question), label=say(question.label), task=say(question.task),
                   short=say(question.short), box=box)


def _question(entry: dict) -> Question:
    box = entry.pop("box", None)
    return Question(**entry, box=Box(**box) if box else None)


def load_catalogue(text: str) -> Catalogue:
    data = yaml.safe_load(text)
    return Catalogue(**{
        name: Section(name, part["short"], tuple(_question(dict(q)) for q in part["questions"]))
        for name, part in data.items()
    })


CATALOGUE_FILE = files("coach_site.clientfile") / "questions.yaml"
QUESTIONS = load_catalogue(CATALOGUE_FILE.read_text(encoding="utf-8"))
