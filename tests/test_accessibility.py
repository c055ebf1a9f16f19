"""WCAG 2.2 AA on every page (the 404 page too), judged by axe-core in real Chromium, in both
palettes, on a phone (390 px) and a laptop (1280 px).

axe-core comes pinned inside axe-playwright-python (see pyproject.toml). Three workbooks:
the example, a worst case made here (eight areas, very long and right-to-left names,
every answer missing, rating histories of twelve points), and a client whose names hold
`&`, `<`, `>` and quotes, shown exactly as written in every attribute. Each workbook is one
test: every page, in each palette at each width. A page is loaded once, and switched to the
other palette and resized to the other width in place, which shows what a page opened that
way shows: the same boxes and colours of every element, and the same findings of axe-core,
as loading it afresh for each (compared on every page of the five workbooks axe judges).
`make screenshots` saves each page as axe saw it, to look at.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import (
    EXAMPLE_CLIENT,
    PRACTICE_COACH,
    REPO,
    build,
    copy_project,
    open_page,
    serve,
)

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
           "resultTypes": ["violations"]}
WORST_TOKEN = "WorstCaseWorstCaseWorst1"
TRICKY_TOKEN = "Tr1ckyN4mesQx7Lp2Kz9Wv"
TRICKY_NAME = 'Zoë "Zee" O\'Brien & <Co>'
TRICKY_AREA = 'Health & "Energy" <daily>'
TRICKY_COACH = 'Sam & "Sons" <Coaching>'
LONG_NAMES = [
    "مريم الحسيني — التوازن بين العمل والحياة العائلية والصحة النفسية",
    "Gesundheitsförderungsmaßnahmenverbesserungsprogramm und Lebensqualität",
    "אהבה ומשפחה וחברים קרובים לאורך כל החיים",
    "Career and professional development in an uncertain industry that keeps changing",
    "Money",
    "家庭和朋友以及所有重要的人",
    "Creativity, play, art, music, writing and everything in between, every single day",
    "Spirituality",
]


def worst_case_client() -> str:
    lines = ['client:', '  name: "نور الهدى عبد الرحمن بن يوسف"', "link:", f"  token: {WORST_TOKEN}", "focus_areas:"]
    for index, name in enumerate(LONG_NAMES):
        lines += [f'  - name: "{name}"', "    satisfaction:"]
        lines += [f"      {dt.date(2025, 12, 1) + dt.timedelta(days=30 * k)}: {(k * 7 + index) % 10 + 1}" for k in range(12)]
    return "\n".join(lines) + "\n"


TRICKY_STEP = 'Call "Mum" & <Dad>'


def tricky_client() -> str:
    q = json.dumps  # a JSON string is a YAML double-quoted string
    return (f"client:\n  name: {q(TRICKY_NAME)}\n  preferred_name: {q(TRICKY_NAME)}\n"
            f"link:\n  token: {TRICKY_TOKEN}\nvalues:\n  - name: {q('Truth & <nerve>')}\n"
            f"focus_areas:\n  - name: {q(TRICKY_AREA)}\n    satisfaction: {{2026-09-01: 3, 2026-10-01: 5}}\n"
            f"    next_steps: [{q(TRICKY_STEP)}]\n")


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory):
    """The workbooks built by the real pipeline, served at the path their site_url gives."""
    root = tmp_path_factory.mktemp("a11y")
    site_dir = root / "workbooks"  # mkdocs.yml's site_url ends in /workbooks/
    worst = root / "worst.yaml"
    worst.write_text(worst_case_client(), encoding="utf-8")
    tricky_project = copy_project(root / "tricky-project")
    config = tricky_project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        f"    name: {PRACTICE_COACH[0]}\n", f"    name: '{TRICKY_COACH.replace(chr(39), chr(39) * 2)}'\n"), encoding="utf-8")
    tricky = tricky_project / "clients" / "tricky.yaml"
    tricky.write_text(tricky_client(), encoding="utf-8")
    sites = {"example": build(EXAMPLE_CLIENT, REPO, site_dir).site, "worst case": build(worst, REPO, site_dir).site,
             "tricky names": build(tricky, tricky_project, site_dir).site}
    base, stop = serve(root)
    yield {name: (f"{base}/workbooks/{site.name}", sorted(p.name for p in site.glob("*.html"))) for name, site in sites.items()}
    stop()


def describe(violations: list[dict]) -> str:
    """What to fix: each rule violated, with the nodes it found."""
    out = []
    for violation in violations:
        out.append(f"  {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            checks = node["any"] or node["all"] or node["none"]
            out.append(f"    {', '.join(map(str, node['target']))}: {checks[0]['message'] if checks else ''}")
    return "\n".join(out)


PALETTES = {"light": "default", "dark": "slate"}  # the color scheme a browser prefers: Material's palette
WIDTHS = (390, 1280)  # a phone, a laptop


@pytest.mark.screenshots
@pytest.mark.parametrize("workbook", ["example", "worst case", "tricky names"])
def test_every_page_has_no_wcag_2_2_aa_violations(browser, workbooks, workbook, screenshot):
    base, pages = workbooks[workbook]
    assert "404.html" in pages
    failures = axe_failures(browser, base, pages, shoot=screenshot, prefix=workbook.replace(" ", "-"))
    assert not failures, "\n" + "\n".join(f"{where}:\n{text}" for where, text in failures.items())


def axe_failures(browser, base: str, pages: list[str], *, palettes=tuple(PALETTES), widths=WIDTHS,
                 shoot=None, prefix: str = "") -> dict:
    """axe-core's WCAG 2.2 AA violations on each page, in each palette at each width, described
    by page, palette and width. Each page is loaded once and axe-core put into it once; the page
    is then judged in every palette at every width, switched and resized in place
    (each_palette_and_width). `shoot` (the screenshot fixture) takes each page as judged, named
    `<prefix>-<width>-<palette>-<page>`."""
    axe = Axe()
    failures = {}
    context = browser.new_context(color_scheme=palettes[0])
    page = context.new_page()
    try:
        for name in pages:
            page.set_viewport_size({"width": min(widths), "height": HEIGHT})
            open_page(page, f"{base}/{name}")
            page.evaluate(axe.axe_script)  # once per page load: it stays until the next
            for palette, width in each_palette_and_width(page, palettes, widths):
                violations = page.evaluate("options => axe.run(options)", WCAG_AA)["violations"]
                print(f"{base}, {palette}, {width} px, {name}: {len(violations)} violation(s)")
                if shoot is not None:
                    shoot(page, f"{prefix}-{width}-{palette}-{name}")
                if violations:
                    failures[f"{name}, {palette}, {width} px"] = describe(violations)
    finally:
        context.close()
    return failures


HEIGHT = 900


def each_palette_and_width(page, palettes, widths):
    """The page just loaded, at the narrowest of `widths`, shown in each palette at each width in
    turn, as a page opened in that palette at that width shows it; yields (palette, width) when
    it does. The window is resized in place (resized), from the narrowest width up: Material
    gives a link whose text it cut short a title once it has been seen, and a narrow page hides
    the navigation a wide one shows. At each width the palette is switched in place (judged_in),
    from the one shown. Before each judgement but the first, what axe-core left on the page goes."""
    page.evaluate(REMEMBER_STYLES)
    first = True
    for width in sorted(widths):
        resized(page, width)
        shown = scheme_of(page)
        for palette in sorted(palettes, key=lambda p: PALETTES[p] != shown):
            judged_in(page, palette)
            if not first:
                page.evaluate(NOT_A_TRACE_OF_AXE)
            first = False
            yield palette, width


# axe-core sets and then restores the style of the elements it looks at, which leaves them an
# empty style="" they did not have: nothing a browser shows, but a second run would count them
# among what avoid-inline-spacing applies to, and name them by other selectors.
REMEMBER_STYLES = "window.__styledAtLoad = new Set(document.querySelectorAll('[style]'))"
NOT_A_TRACE_OF_AXE = """for (const element of document.querySelectorAll('[style=""]'))
    if (!window.__styledAtLoad.has(element)) element.removeAttribute('style')"""


def scheme_of(page) -> str:
    return page.evaluate("document.body.getAttribute('data-md-color-scheme')")


def judged_in(page, palette: str) -> None:
    """Show the loaded page in `palette` as a browser that prefers it opens it: the preferred
    colour scheme changed, and Material's palette switched by the change event its toggle sends
    (no click: nothing is left hovered, focused or checked). The page must then look different:
    its background is another colour."""
    scheme = PALETTES[palette]
    if scheme_of(page) == scheme:
        return
    background = "getComputedStyle(document.body).backgroundColor"
    before = page.evaluate(background)
    with transitions_off(page):
        page.emulate_media(color_scheme=palette)
        page.evaluate(
            """scheme => document.querySelector(`[data-md-component=palette] input[data-md-color-scheme="${scheme}"]`)
                   .dispatchEvent(new Event("change"))""", scheme)
    assert scheme_of(page) == scheme, f"{page.url} did not switch to the {palette} palette"
    assert page.evaluate("document.body.hasAttribute('data-md-color-switching')") is False
    assert page.evaluate(background) != before, f"{page.url} looks the same in the {palette} palette"


def resized(page, width: int) -> None:
    """The loaded page at `width`."""
    if page.viewport_size["width"] != width:
        with transitions_off(page):
            page.set_viewport_size({"width": width, "height": HEIGHT})


@contextlib.contextmanager
def transitions_off(page):
    """A change made to a loaded page with no CSS transition running (the placeholder's colour
    too), so that it shows at once what a page opened that way shows from the start; then two
    frames for Material's scripts, which follow the window and the palette on animation frames
    and timers. The stylesheet that turns them off is a constructed one: a Content-Security-Policy
    without 'unsafe-inline' (a sealed workbook's) would block a <style>."""
    page.evaluate(TRANSITIONS_OFF)
    yield
    running = page.evaluate(TRANSITIONS_BACK)
    assert running == 0, f"{page.url}: {running} CSS transition(s) still running once the change was made"


TRANSITIONS_OFF = """() => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync('*, *::before, *::after, *::placeholder, *::marker { transition: none !important }');
    window.__transitionsOff = sheet;
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}"""
TRANSITIONS_BACK = """() => new Promise(done => {
    const frame = () => new Promise(next => requestAnimationFrame(() => setTimeout(next)));
    frame().then(frame).then(() => {
        getComputedStyle(document.body).color;  // the new state styled while transitions are off
        document.adoptedStyleSheets = document.adoptedStyleSheets.filter(s => s !== window.__transitionsOff);
        done(document.getAnimations().filter(a => a instanceof CSSTransition).length);
    });
})"""


@pytest.mark.parametrize("width", [320, 640])  # a phone, and a 1280 px window zoomed to 200%
def test_no_page_scrolls_sideways_on_a_narrow_or_zoomed_screen(browser, workbooks, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        for workbook, (base, pages) in workbooks.items():
            for name in pages:
                open_page(page, f"{base}/{name}")
                widths = page.evaluate(
                    "({page: document.documentElement.scrollWidth, view: window.innerWidth,"
                    " main: document.querySelector('.md-content').scrollWidth,"
                    " mainBox: document.querySelector('.md-content').clientWidth})"
                )
                assert widths["page"] <= widths["view"], (workbook, name, width, widths)
                assert widths["main"] <= widths["mainBox"] + 1, (workbook, name, width, widths)
    finally:
        context.close()


def test_pictures_speak_to_screen_readers_and_not_by_colour_alone(page, workbooks):
    base, _ = workbooks["worst case"]
    open_page(page, f"{base}/index.html")
    wheel = page.get_by_role("img", name="Satisfaction wheel: each focus area, rated 1 to 10")
    assert wheel.count() == 1
    description = page.evaluate("document.getElementById('wheel-desc').textContent")
    for name in LONG_NAMES:
        assert name in description  # every area by its full name, with its rating as a number
    labels = page.locator("svg.wheel text.wheel__label").all_text_contents()
    assert len(labels) == 8 and all("/10" in label for label in labels)
    open_page(page, f"{base}/area-1.html")
    assert page.locator("svg.trend").get_attribute("role") == "img"
    assert page.evaluate("document.getElementById('trend-1-desc').textContent").count(": ") == 12


def test_checklists_are_labelled_tickable_by_keyboard_and_remembered(page, workbooks):
    base, _ = workbooks["example"]
    open_page(page, f"{base}/area-career.html")
    step = page.get_by_role("checkbox", name="Write up the first portfolio project this weekend")
    step.focus()
    page.keyboard.press("Space")
    assert step.is_checked()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    open_page(page)
    assert page.get_by_role("checkbox", name="Write up the first portfolio project this weekend").is_checked()


def test_names_with_ampersands_brackets_and_quotes_read_exactly_as_written(browser, workbooks):
    """In every attribute a screen reader or a tab shows: titles, nav, footer links, aria-labels."""
    base, pages = workbooks["tricky names"]
    first = TRICKY_NAME  # preferred_name is the whole name here
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        open_page(page, f"{base}/index.html")
        heading = f"{first}'s workbook"
        assert page.title() == f"Home - {heading}"
        logo = page.locator("a.md-header__button.md-logo")
        assert logo.get_attribute("aria-label") == heading and logo.get_attribute("title") == heading
        assert page.locator(".md-header__topic").first.inner_text().strip() == heading
        assert page.get_by_role("heading", level=1).inner_text() == f"Hi {first}"
        footer = page.locator(".md-copyright")
        assert TRICKY_COACH in footer.inner_text()
        area = page.locator("nav.md-nav--primary a.md-nav__link", has_text="Health")
        assert area.first.inner_text().strip() == TRICKY_AREA
        open_page(page, f"{base}/{next(p for p in pages if p.startswith('area-'))}")
        assert page.title() == f"{TRICKY_AREA} - {heading}"
        assert page.get_by_role("checkbox", name=TRICKY_STEP).count() == 1
        trend = page.locator("svg.trend title").first.text_content()
        assert trend.startswith(TRICKY_AREA)
        footer_link = page.locator("a.md-footer__link").first
        label = footer_link.get_attribute("aria-label") or ""
        assert "&amp;" not in label and "&lt;" not in label
        for name in pages:
            open_page(page, f"{base}/{name}")
            attributes = page.evaluate(
                "[...document.querySelectorAll('*')].flatMap(e => [...e.attributes].map(a => a.value))"
                ".concat([document.title])")
            doubled = [a for a in attributes if re.search(r"&(amp|lt|gt|quot|#0?39|#34);", a)]
            assert doubled == [], (name, doubled[:5])
    finally:
        context.close()
