"""coach-site's own words in the workbook's language: gettext catalogues, as MkDocs' own
themes do it (`mkdocs/localization.py`: `jinja2.ext.i18n` and Babel, a `.po` per language).

* The content templates mark their sentences with `_()` (`jinja2.ext.i18n`); the words of
  `content/_words.yaml` and the questions of `coach_site/clientfile/questions.yaml` are
  translated through the same catalogue, their English text being the message id. A
  `{name}` in braces is filled in after translation: a translation keeps it as it is.
* The catalogues are `coach_site/locale/<language>/LC_MESSAGES/messages.po` (`pt_BR` for
  the theme's `pt-BR`), committed as text. They are compiled here, in memory, the first
  time a language is used (and again when its file changes): a fresh clone needs no step.
* `messages.pot`, the list of every message, is made by `pybabel extract` with the
  repository's `babel.cfg`, which uses `extract_yaml` below for the two YAML files.
* English is the words as written; a language without a catalogue gets them too.
"""

from __future__ import annotations

import functools
import gettext
import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml
from babel.messages.extract import extract
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "messages"
SOURCE_LANGUAGE = "en"  # the words as written in the templates and the YAML files
_PLACEHOLDER = re.compile(r"\{[a-z_]*\}")
_AS_WRITTEN = gettext.NullTranslations()  # one, so what is cached by it is cached once


def catalogue_file(language: str) -> Path:
    """Where the catalogue of a theme language code lives (`pt-BR` -> pt_BR/...)."""
    return LOCALE_DIR / language.replace("-", "_") / "LC_MESSAGES" / f"{DOMAIN}.po"


def has_catalogue(language: str) -> bool:
    return language.split("-")[0] == SOURCE_LANGUAGE or catalogue_file(language).is_file()


def translations(language: str) -> gettext.NullTranslations:
    """The compiled catalogue of `language`; the words as written (English) when it has none."""
    path = catalogue_file(language)
    if language.split("-")[0] == SOURCE_LANGUAGE or not path.is_file():
        return _AS_WRITTEN
    info = path.stat()
    return _compiled(path, info.st_mtime_ns, info.st_size)


@functools.lru_cache(maxsize=16)
def _compiled(path: Path, mtime_ns: int, size: int) -> Translations:
    """A .po file compiled in memory (what `pybabel compile` would write as a .mo file)."""
    with path.open("rb") as f:
        catalog = read_po(f)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)  # fuzzy entries are left out, as msgfmt does
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


def is_message(text: Any) -> bool:
    """Words to translate: text with a letter outside its {placeholders} ("10", "{name}" are not)."""
    return isinstance(text, str) and any(c.isalpha() for c in _PLACEHOLDER.sub("", text))


PLURAL_FORMS = frozenset({"one", "other"})  # a message counted: `{one: "1 answer", other: "{count} answers"}`


def translate_words(words: Any, translate: Callable[[str], str],
                    ngettext: Callable[[str, str, int], str] | None = None) -> Any:
    """A copy of the words of a YAML file with every message translated. A counted message
    (a mapping of `one` and `other`) becomes a function of the count, which gives the form
    the language's catalogue has for that count (gettext's plural forms)."""
    if isinstance(words, dict) and set(words) == PLURAL_FORMS and ngettext is not None:
        one, other = words["one"], words["other"]
        return lambda count: ngettext(one, other, count)
    if isinstance(words, dict):
        return {key: translate_words(value, translate, ngettext) for key, value in words.items()}
    if isinstance(words, list):
        return [translate_words(value, translate, ngettext) for value in words]
    return translate(words) if is_message(words) else words


def extract_yaml(fileobj, keywords, comment_tags, options) -> Iterator[tuple[int, None, str, list[str]]]:
    """Babel's extractor for a YAML file of words: every message with its line. With the
    option `keys` (space-separated), only the values of those keys (questions.yaml's
    `question`, `label`, ...; not its field names)."""
    keys = set((options.get("keys") or "").split())
    root = yaml.compose(fileobj.read().decode("utf-8"))
    yield from _messages(root, keys, key=None)


def _messages(node: Any, keys: set[str], key: str | None) -> Iterator[tuple[int, str | None, Any, list[str]]]:
    if isinstance(node, yaml.MappingNode) and {k.value for k, _ in node.value} == PLURAL_FORMS:
        forms = {k.value: v.value for k, v in node.value}
        yield node.start_mark.line + 1, "ngettext", (forms["one"], forms["other"]), []
    elif isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            yield from _messages(value, keys, key_node.value if not keys or key_node.value in keys or
                                 isinstance(value, (yaml.MappingNode, yaml.SequenceNode)) else None)
    elif isinstance(node, yaml.SequenceNode):
        for value in node.value:
            yield from _messages(value, keys, key)
    elif isinstance(node, yaml.ScalarNode) and key is not None and (not keys or key in keys):
        if is_message(node.value) and node.tag.endswith(":str"):
            yield node.start_mark.line + 1, None, node.value, []


def untranslated_in(folder: Path, language: str) -> dict[str, int]:
    """A practice's own templates and words (`folder`, its content/) whose sentences the
    language's catalogue has no translation for: file name -> how many. Those sentences
    reach a client in that language as written. Empty for English and for a language
    without a catalogue (the build says that once already)."""
    if language.split("-")[0] == SOURCE_LANGUAGE or not catalogue_file(language).is_file():
        return {}
    translated = translations(language)
    found = {}
    for path in sorted(folder.glob("*.j2")) + sorted(folder.glob("_words.yaml")):
        with path.open("rb") as f:
            messages = [m for _, m, _, _ in _extract(path, f) if isinstance(m, str)]
        if missing := [m for m in messages if translated.gettext(m) == m]:
            found[path.name] = len(missing)
    return found


def _extract(path: Path, fileobj: Any) -> Iterator[tuple]:
    """The messages of one file, read as `pybabel extract` reads it with the repository's babel.cfg."""
    if path.suffix == ".j2":
        return extract("jinja2.ext:babel_extract", fileobj, options={"extensions": "jinja2.ext.i18n", "trimmed": "true"})
    return ((line, message, comments, None) for line, _, message, comments in extract_yaml(fileobj, (), (), {}))
