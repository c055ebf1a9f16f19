"""Stage 3, render: a Workbook + the Jinja templates in content/ -> Markdown pages on disk.

The templates are looked up in a list of folders, the practice's `content/` first, then
coach-site's own (`Project.content_dirs`): a practice changes a page by having a file of
that name. Each `<name>.md.j2` becomes one page `<name>.md`, except `focus-area.md.j2`,
which becomes one page per focus area. Files starting with `_` hold shared macros, and
`_words.yaml` the words this module and the pictures put on the pages (templates get
them as `words`, and the questions of the method as `questions`); a practice's
`_words.yaml` needs to hold only the words it changes.
Every value a template prints goes through `escape_user_text` (the `finalize` hook).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from babel import Locale
import yaml
from markupsafe import Markup

from coach_site.clientfile.catalogue import QUESTIONS
from coach_site.clientfile.model import FocusArea, Workbook
from coach_site.engine.print_page import PRINT_ALL
from coach_site.engine.theme_cache import bytecode_cache
from coach_site.errors import BuildError
from coach_site.project import Coach
from coach_site.workbook.dates import LANGUAGE, human_date, weekday_names
from coach_site.workbook.escape import escape_html, escape_user_text, trusted_html
from coach_site.workbook.events import coaching_events
from coach_site.workbook.pictures import rating_trend, satisfaction_wheel
from coach_site.workbook.translations import translate_words, translations

AREA_TEMPLATE = "focus-area"
# The order of the workbook: the seed's order, then any page a coach adds.
PAGE_ORDER = ("index", "values", AREA_TEMPLATE, "homework", "schedule", "ted-talk", "reflections")
WORDS_FILE = "_words.yaml"


@dataclass(frozen=True)
class AreaPage:
    """A focus area and where its page lives."""

    area: FocusArea
    number: int  # 1-based, in the order of the file
    path: str  # e.g. "area-career.md"

    @property
    def name(self) -> str:
        return self.area.name


@dataclass(frozen=True)
class ClientPages:
    """One client's workbook to render: the client, the templates, and what the pages say
    of the coach, the link and the day."""

    workbook: Workbook
    content_dirs: Sequence[Path]  # where the templates are looked up: the first file of a name wins
    coach: Coach
    link: str  # the workbook's address: never the key
    updated: dt.date | None = None
    title: str | None = None  # mkdocs.yml's extra.workbook_title, when the coach set one
    language: str = LANGUAGE  # the workbook's (a theme language code): its words, questions and dates
    sealed: bool = False  # the file names and the app's name say nothing of the client (see workbook/seal.py)
    timezone: str | None = None  # the client's time zone (an IANA name), for the time of their next session


@dataclass(frozen=True)
class RenderedSite:
    """What render wrote: the MkDocs nav for the pages, in workbook order."""

    nav: list[Any]


def render_pages(pages: ClientPages, out_dir: Path) -> RenderedSite:
    """Render every page template of `pages.content_dirs` for one workbook into `out_dir`."""
    workbook, language = pages.workbook, pages.language
    env = _environment(pages.content_dirs, language)
    words = load_words(pages.content_dirs, language)
    areas = area_pages(workbook.focus_areas, numbered=pages.sealed)
    context = {
        "workbook": workbook,
        "client": workbook.client,
        "name": workbook.client.first_name,
        "values": workbook.values,
        "areas": areas,
        "homework": workbook.homework,
        "schedule": workbook.schedule,
        "ted_talk": workbook.ted_talk,
        "sessions": workbook.sessions,
        "next_session": workbook.next_session,
        "coach": pages.coach,
        "link": pages.link,
        "updated": pages.updated,
        "built_on": dt.date.today(),  # what the page says before its scripts know the device's day
        "token": workbook.link.token,
        "questions": questions_in(language),
        "words": words,
        "language": language,
        "held": held_by_file(workbook),
        "sealed": pages.sealed,  # reflections sent from a sealed workbook are sealed too
        # "Add to my calendar": the due date and the next session, as the page carries them.
        "calendar": coaching_events(workbook, words, pages.coach, language=language, timezone=pages.timezone,
                                    updated=pages.updated),
    }
    nav: list[Any] = []
    for name in _page_templates(pages.content_dirs):
        template = _template(env, f"{name}.md.j2")
        if name == AREA_TEMPLATE:
            for page in areas:
                _write(out_dir / page.path, template, {**context, "area": page.area, "page": page})
            if areas:  # none yet after the Values session: no empty section
                nav.append({words["nav"]["focus_areas"]: [page.path for page in areas]})
        else:
            _write(out_dir / f"{name}.md", template, context)
            nav.append(f"{name}.md")
    (out_dir / PRINT_PAGE).write_text(print_page(words), encoding="utf-8")
    nav.append(PRINT_PAGE)
    title = coach_title(pages.title, language)
    (out_dir / MANIFEST).write_text(web_app_manifest(workbook, words, title, sealed=pages.sealed), encoding="utf-8")
    return RenderedSite(nav=nav)


def theme_words(
    workbook: Workbook, content_dirs: Sequence[Path], title: str | None = None, language: str = LANGUAGE
) -> dict[str, Any]:
    """The words of the theme around the pages (`workbook` in _words.yaml), as safe HTML:
    the header's title with the client's name ("Maya's workbook"; `title`, from mkdocs.yml's
    extra.workbook_title, replaces the words' own), the heading of a page's contents, and
    the 404 page's words."""
    says = load_words(content_dirs, language)["workbook"]
    heading = workbook_title(workbook, says, coach_title(title, language))
    pages = {key: escape_html(text) for key, text in says.items() if key not in ("title", "toc")}
    return {"title": escape_html(heading), "toc": escape_html(says["toc"]), "pages": pages}


def coach_title(title: str | None, language: str) -> str | None:
    """mkdocs.yml's extra.workbook_title in `language`: wording the catalogue knows (the
    workbook's own, "{name}'s workbook") is translated; the coach's own stays as written."""
    return translations(language).gettext(title) if title else title


def workbook_title(workbook: Workbook, says: dict[str, Any], title: str | None = None) -> str:
    """"Maya's workbook": the coach's wording (extra.workbook_title) or the words' own."""
    return (title or says["title"]).replace("{name}", workbook.client.first_name)


MANIFEST = "manifest.webmanifest"
THEME_COLOUR = "#00695c"  # the workbook's teal (overrides/assets/stylesheets/workbook.css)


def web_app_manifest(workbook: Workbook, words: dict[str, Any], title: str | None = None, sealed: bool = False) -> str:
    """What makes the workbook installable to a home screen (and so kept by Safari beyond
    seven days without a visit): its name, and every address relative to the workbook, so
    it works at any link and after a rotate. Its icons are the workbook's own files.
    A sealed workbook's manifest stays plain on the host, so it names no one."""
    says = words["install"]
    first_name = workbook.client.first_name
    icons = [
        {"src": f"assets/images/workbook-icon-{size}.png", "sizes": f"{size}x{size}", "type": "image/png"}
        for size in (192, 512)
    ]
    icons.append({"src": "assets/images/workbook-icon.svg", "sizes": "any", "type": "image/svg+xml"})
    manifest = {
        "name": words["sealed"]["title"] if sealed else workbook_title(workbook, words["workbook"], title),
        "short_name": words["sealed"]["short_name"] if sealed else says["short_name"].format(name=first_name),
        "start_url": "index.html",
        "scope": "./",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": icons,
    }
    return json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"


PRINT_PAGE = "print.md"


def print_page(words: dict[str, Any]) -> str:
    """The print page: its own title and hint, and the mark that has the engine fill it with
    every page's HTML, in order, each starting on a new sheet (a page whose front matter
    says `print: false`, an interactive one, is left out)."""
    label = escape_user_text(words["reflection"]["label"])  # what a printed reflection is headed
    return (
        f"---\ntitle: {json.dumps(words['print']['title'])}\n{PRINT_ALL}: true\nsearch:\n  exclude: true\n---\n"
        f"# {escape_user_text(words['print']['title'])}\n\n"  # the theme heads a page only when it has no h1
        f'<p class="print-hint">{escape_user_text(words["print"]["hint"])}</p>\n\n'
        # Shown by print.js: without JavaScript, the browser's own Print command does it.
        f'<p class="print-actions"><button type="button" class="md-button md-button--primary print-button" hidden>'
        f'{escape_user_text(words["print"]["button"])}</button></p>\n\n'
        f'<div id="coach-site-print" data-label="{label}" hidden></div>\n'
    )


def _page_templates(content_dirs: Sequence[Path]) -> list[str]:
    """The pages of the workbook: every `*.md.j2` of any of the folders (not `_` ones; a
    README.md or other notes there are no page)."""
    names = {
        p.name[: -len(".md.j2")] for folder in content_dirs for p in folder.glob("*.md.j2") if not p.name.startswith("_")
    }
    missing = {"index", AREA_TEMPLATE} - names
    if missing:
        raise BuildError(f"content/: missing template(s) {', '.join(sorted(missing))}.md.j2")
    return [n for n in PAGE_ORDER if n in names] + sorted(names - set(PAGE_ORDER))


def load_words(content_dirs: Sequence[Path], language: str = LANGUAGE) -> dict[str, Any]:
    """The words of content/_words.yaml in `language`: coach-site's own, with those of a
    practice's own `_words.yaml` over them (the words it changes; every other word stays
    coach-site's, so an upgrade's new words arrive). A clear error when none is there or
    one is broken.

    Read once per process and language while the files are unchanged: every client of a
    run shares them (as read: nothing changes them).
    """
    versions = []
    for folder in reversed(content_dirs):  # coach-site's first, the practice's over them
        path = folder / WORDS_FILE
        try:
            info = path.stat()
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise BuildError(f"{folder.name}/{WORDS_FILE}: cannot be read: {exc}") from None
        versions.append((path, info.st_mtime_ns, info.st_size))
    if not versions:
        raise BuildError(f"content/{WORDS_FILE} is missing: the workbook's words are in it")
    return _words_in(tuple(versions), translations(language), language)


@functools.lru_cache(maxsize=32)
def _words_in(versions: tuple[tuple[Path, int, int], ...], translated: Any, language: str) -> dict[str, Any]:
    """The words through the language's catalogue, their English text the message id; a
    counted message in each plural form of the `language`."""
    words: dict[str, Any] = {}
    for path, mtime_ns, size in versions:
        words = _words_over(words, _read_words(path, mtime_ns, size))
    return counted_forms(translate_words(words, translated.gettext, translated.ngettext), language)


# A number of each plural category, to ask the catalogue for that category's form.
_SAMPLE_COUNTS = (1, 0, 2, 3, 5, 11, 21, 22, 101, 1_000_000)


def counted(forms: Mapping[str, str], count: int, language: str = LANGUAGE) -> str:
    """A counted message's form for `count` in `language`, its `{count}` filled in."""
    form = Locale.parse(language.replace("-", "_")).plural_form(count)
    return forms.get(form, forms["other"]).replace("{count}", str(count))


def counted_forms(words: Any, language: str) -> Any:
    """The words with each counted message (a function of the count, see translate_words)
    as its form for every plural category of the language (CLDR's `one`, `few`, `many`,
    `other`, ...): the page carries them all, and its script picks one with Intl.PluralRules."""
    if callable(words):
        rule = Locale.parse(language.replace("-", "_")).plural_form
        forms = {}
        for count in _SAMPLE_COUNTS:
            forms.setdefault(rule(count), words(count))
        forms.setdefault("other", words(_SAMPLE_COUNTS[-1]))  # (Polish keeps `other` for fractions)
        return {"one": forms.get("one", forms["other"]), **forms}
    if isinstance(words, dict):
        return {key: counted_forms(value, language) for key, value in words.items()}
    return words


def _words_over(words: dict[str, Any], changed: dict[str, Any]) -> dict[str, Any]:
    """`words` with the `changed` ones in their place, part by part; neither is changed."""
    merged = dict(words)
    for key, value in changed.items():
        below = merged.get(key)
        merged[key] = _words_over(below, value) if isinstance(below, dict) and isinstance(value, dict) else value
    return merged


def questions_in(language: str) -> Any:
    """The catalogue of questions as the coachee reads them, in `language`: kept, like the
    words, while the language's catalogue is unchanged (an edited .po is read again)."""
    return _questions_in(translations(language))


@functools.lru_cache(maxsize=16)
def _questions_in(translated: Any) -> Any:
    return QUESTIONS.translated(translated.gettext)


@functools.lru_cache(maxsize=8)
def _read_words(path: Path, mtime_ns: int, size: int) -> dict[str, Any]:
    try:
        words = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise BuildError(f"{path.parent.name}/{WORDS_FILE}: cannot be read: {exc}") from None
    if not isinstance(words, dict):
        raise BuildError(f"{path.parent.name}/{WORDS_FILE}: expected the workbook's words, one part per line")
    return words


_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's speed where it is installed


_environments: dict[tuple, jinja2.Environment] = {}


def _environment(content_dirs: Sequence[Path], language: str = LANGUAGE) -> jinja2.Environment:
    """One environment per content folders, language and process: templates compile once,
    and Jinja reloads any template whose file changed since (auto_reload), so edits are
    never missed; an edited catalogue is a new one (`translations`), so a new environment."""
    said = translations(language)
    folders = tuple(folder.resolve() for folder in content_dirs)
    key = (folders, language, id(said))
    if key not in _environments:
        _environments[key] = _new_environment(folders, language, said)
    return _environments[key]


def template_environment(content_dirs: Sequence[Path], said: Any, **options: Any) -> jinja2.Environment:
    """What every template of content/ is rendered with, a page of the workbook or a page of
    the site (html_pages.py): the practice's file of a name first, every undefined name an
    error, autoescaped, the sentences through the catalogue `said`. `options`: Jinja's, on top."""
    env = jinja2.Environment(
        extensions=["jinja2.ext.i18n"],  # {% trans %} and _(): the sentences of the templates
        auto_reload=True,
        loader=FirstFoundLoader(list(content_dirs)),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        **options,
    )
    env.policies["ext.i18n.trimmed"] = True  # a sentence's line breaks are not part of its message
    env.install_gettext_translations(said, newstyle=True)
    return env


def _new_environment(content_dirs: Sequence[Path], language: str, said: Any) -> jinja2.Environment:
    # autoescape marks macro output and pictures as safe; finalize does the escaping.
    env = template_environment(content_dirs, said, finalize=escape_user_text,
                               bytecode_cache=bytecode_cache())  # compiled once per machine; anew when changed
    env.filters["human_date"] = functools.partial(human_date, locale=language)
    env.filters["counted"] = functools.partial(counted, language=language)
    env.filters["timeline"] = timeline
    env.filters["fingerprint"] = fingerprint
    env.globals["weekday_names"] = functools.partial(weekday_names, language)
    env.globals["wheel"] = _wheel
    env.globals["trend"] = _trend
    return env


class FirstFoundLoader(jinja2.FileSystemLoader):
    """Templates from the first folder that holds the name (the practice's, then coach-site's).

    A template loaded from a later folder is out of date once an earlier one holds a file of
    its name (`coach-site customise` during `serve`), not only when its own file changes."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        source, filename, uptodate = super().get_source(environment, template)
        parts = jinja2.loaders.split_template_path(template)
        earlier = []
        for folder in self.searchpath:
            candidate = os.path.join(folder, *parts)
            if os.path.normpath(candidate) == os.path.normpath(filename):
                break
            earlier.append(candidate)
        return source, filename, lambda: uptodate() and not any(os.path.isfile(path) for path in earlier)


@jinja2.pass_context
def _wheel(context: Any, areas: list[AreaPage], id_prefix: str = "wheel") -> Markup:
    ratings = [(p.name, p.area.satisfaction.current if p.area.satisfaction else None) for p in areas]
    return satisfaction_wheel(ratings, id_prefix, words=context["words"]["wheel"])


@jinja2.pass_context
def _trend(context: Any, page: AreaPage) -> Markup:
    if not (page.area.satisfaction and page.area.satisfaction.has_trend):
        return trusted_html([])
    return rating_trend(
        page.name, page.area.satisfaction.history, f"trend-{page.number}", words=context["words"]["trend"],
        locale=context["language"],
    )


def _template(env: jinja2.Environment, name: str) -> jinja2.Template:
    try:
        return env.get_template(name)
    except jinja2.TemplateSyntaxError as exc:
        raise BuildError(f"content/{exc.name or name}:{exc.lineno}: template error: {exc.message}") from None


def _write(target: Path, template: jinja2.Template, context: dict[str, Any]) -> None:
    """Render one page into `target`."""
    try:
        text = template.render(context)
    except jinja2.TemplateError as exc:
        raise BuildError(f"content/{template.name}{_template_line(exc)}: template error: {exc}") from None
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def _template_line(exc: BaseException) -> str:
    """The template line a render error happened on, from the traceback Jinja rewrites."""
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".md.j2"):
            line = tb.tb_lineno
        tb = tb.tb_next
    return f":{line}" if line else ""


def held_by_file(workbook: Workbook) -> dict[str, Any]:
    """What the client file already holds of each answer the coachee can write in the
    workbook, under the field names of the workbook's boxes (`_macros.md.j2`): `texts`, each
    field's texts (a step list: every step), and `ratings`, an area's latest rating and its
    date. The workbook's scripts read it from the page (`held` in `_macros.md.j2`): what this
    browser kept and the coach has since brought in is dropped from the browser, so nothing
    shows twice or waits to be sent again, and a box about words of the coachee's already in
    the file starts from them."""
    texts: dict[str, list[str]] = {}
    ratings: dict[str, dict[str, str]] = {}

    def hold(field: str, *found: Any) -> None:
        kept = [str(text) for text in found if text]
        if kept:
            texts[field] = kept

    for value in workbook.values:
        hold(f"values|{value.name}|meaning", value.meaning, value.note)
        hold(f"values|{value.name}|note", value.note)
    for area in workbook.focus_areas:
        field = f"focus_areas|{area.name}|"
        for q in QUESTIONS.focus_area:
            answer = getattr(area, q.field)
            if q.kind == "list":
                hold(field + q.field, *answer)
            elif q.kind == "rating":
                latest = answer.history[-1] if answer else None
                if latest is not None and latest.when:
                    ratings[field + q.field] = {"value": str(latest.value), "on": latest.when.isoformat()}
            else:
                hold(field + q.field, answer)
        for about, note in area.notes.items():
            hold(f"{field}note|{about}", note)
    for q in QUESTIONS.schedule:
        hold(f"schedule|{q.field}", getattr(workbook.schedule, q.field))
    for q in QUESTIONS.ted_talk:
        hold(f"ted_talk|{q.field}", getattr(workbook.ted_talk, q.field))
    hold("anything_we_missed", workbook.anything_we_missed)
    return {"texts": texts, "ratings": ratings}


def fingerprint(text: str) -> str:
    """A short, stable name for a piece of text that reveals none of it (hex digits only)."""
    return hashlib.sha256(str(text).encode("utf-8")).hexdigest()[:16]


def area_slug(name: str) -> str:
    """A readable, ASCII file name for a focus area: "Health & Energy" -> "health-energy"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:40].strip("-")


def area_pages(areas: list[FocusArea], numbered: bool = False) -> list[AreaPage]:
    """Each focus area with its page's file name, in the order of the client file.

    Names that slug alike ("Career!", "Career") get `-<number>` added, skipping any
    name another area's page has, so no two areas ever share a page. `numbered`: the
    pages are `area-1.md`, ... (a sealed workbook's file names stay readable on the host).
    """
    if numbered:
        return [AreaPage(area=area, number=n, path=f"area-{n}.md") for n, area in enumerate(areas, start=1)]
    slugs = [area_slug(area.name) or str(number) for number, area in enumerate(areas, start=1)]
    taken = set(slugs)
    pages, used = [], set()
    for number, (area, slug) in enumerate(zip(areas, slugs), start=1):
        if slug in used:
            suffix = number
            while f"{slug}-{suffix}" in taken:
                suffix += 1
            slug = f"{slug}-{suffix}"
            taken.add(slug)
        used.add(slug)
        pages.append(AreaPage(area=area, number=number, path=f"area-{slug}.md"))
    return pages


_TIME = r"(?:[01]?\d|2[0-3])[:.][0-5]\d|(?:1[0-2]|0?[1-9])(?:[:.][0-5]\d)?\s?[ap]\.?m\.?"
_TIMED_ITEM = re.compile(rf"^(?P<time>{_TIME})\s*[-–—:]?\s+(?P<what>\S.*)$", re.IGNORECASE)


def timeline(text: str | None) -> list[tuple[str, str]] | None:
    """A schedule written as `06:30 run · 08:00 school run` as (time, activity) pairs.

    None when the text is not such a list: then it is shown as written.
    """
    if not text:
        return None
    items = [item.strip() for line in text.splitlines() for item in line.split("·")]
    items = [item for item in items if item]
    matches = [_TIMED_ITEM.match(item) for item in items]
    if len(items) < 2 or not all(matches):
        return None
    return [(m["time"], m["what"]) for m in matches]
