"""Stage 2, validate: plain data from a client file -> a typed Workbook, or every error at once."""

from __future__ import annotations

import difflib
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import ClientFileError, Problem
from .loader import ClientDocument, format_path
from .model import Workbook, kind_of

M = TypeVar("M", bound=BaseModel)


def validate_client(document: ClientDocument, model: type[M] = Workbook) -> M:
    """The Workbook of a loaded client file; raises ClientFileError listing every problem.

    `model` is Workbook for client files; the reflections file is checked by its own
    model, made of the same parts.
    """
    try:
        return model.model_validate(document.data)
    except ValidationError as exc:
        problems = [_problem(document, error, model) for error in exc.errors()]
        raise ClientFileError(sorted(problems, key=lambda p: (p.line or 0, p.field))) from None


def _problem(document: ClientDocument, error: dict[str, Any], model: type[BaseModel]) -> Problem:
    where = tuple(_loc_part(part) for part in error["loc"])
    context = error.get("ctx") or {}
    at = context.get("at")
    if at is not None:  # a model check that points inside the field it checked
        where += tuple(at) if isinstance(at, tuple) else (str(at),)
    return Problem(
        file=document.path,
        line=document.line_of(where),
        field=format_path(where),
        message=_message(error, where, model),
    )


def _loc_part(part: Any) -> str | int:
    return part if isinstance(part, int) else str(getattr(part, "source", part))


def _message(error: dict[str, Any], where: tuple, model: type[BaseModel]) -> str:
    kind, value = error["type"], error.get("input")
    if kind == "missing":
        return "is required but missing"
    if kind == "extra_forbidden":
        known = _fields_at(model, where[:-1])
        close = difflib.get_close_matches(str(where[-1]), known, n=1, cutoff=0.6)
        hint = f" (did you mean `{close[0]}`?)" if close else f" (known fields: {', '.join(known)})"
        return f"unknown field{hint}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"expected a mapping of fields, got {kind_of(value)}"
    if kind == "list_type":
        return f"expected a list (lines starting with `- `), got {kind_of(value)}"
    if kind == "too_short":
        return "needs at least one focus area"
    if kind == "too_long":
        return f"has {len(value)} focus areas; a workbook has at most 8"
    return error["msg"]


def _fields_at(model: type[BaseModel], where: tuple) -> list[str]:
    """The field names the format allows at a place in the file, for "did you mean"."""
    for part in where:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        found = _model_in(field.annotation) if field else None
        if found is None:
            return []
        model = found
    return list(model.model_fields)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
