"""The JSON Schema of the client file, generated from the model, for editors' autocompletion."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic.json_schema import GenerateJsonSchema

from coach_site.clientfile.model import Workbook

SCHEMA_FILE = "client.schema.json"


class _WithoutDefaults(GenerateJsonSchema):
    """The schema without `default`s: the YAML language server inserts a field's default when
    it completes the field (`null`, or nothing at all when the default is null: it fails)."""

    def default_schema(self, schema):  # type: ignore[no-untyped-def]
        return self.generate_inner(schema["schema"])


def client_schema() -> dict:
    """The JSON Schema (draft 2020-12) that the YAML language server checks client files against."""
    schema = Workbook.model_json_schema(mode="validation", schema_generator=_WithoutDefaults)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def schema_text() -> str:
    return json.dumps(client_schema(), indent=2, ensure_ascii=False) + "\n"


def write_schema(clients_dir: Path) -> Path:
    """Keep `clients/client.schema.json` current; client files point to it in their first line."""
    path = clients_dir / SCHEMA_FILE
    text = schema_text()
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        clients_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return path


def modeline() -> str:
    """The first line of a client file that tells editors where its schema is."""
    return f"# yaml-language-server: $schema=./{SCHEMA_FILE}"
