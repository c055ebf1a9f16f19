"""The workbook's pictures, drawn at build time as inline SVG: no JavaScript, no chart library.

* `satisfaction_wheel`: the coaching "wheel of life", one wedge per focus area, its
  radius the current rating on a 0-10 scale, with the 10 ring drawn.
* `rating_trend`: a small line over a focus area's dated ratings.

Colours come from CSS classes (see overrides/assets/stylesheets/workbook.css), so both
follow the light and dark palettes; every number is also written as text, and each
picture carries a <title> and <desc> that a screen reader announces. Their words come
from the `wheel` and `trend` parts of content/_words.yaml, passed in as `words`.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping, Sequence

from markupsafe import Markup

from coach_site.clientfile.model import Rating
from coach_site.workbook.dates import LANGUAGE, human_date, short_date
from coach_site.workbook.escape import escape_html, trusted_html

WHEEL_RADIUS = 100.0  # the 10 ring
_LABEL_GAP = 12.0
_LABEL_CHARS = 16


def wedge_radius(rating: int | None) -> float:
    """The radius of a wedge for a rating on the 0-10 scale (no rating: no wedge)."""
    return 0.0 if rating is None else WHEEL_RADIUS * rating / 10


def wedge_angles(index: int, count: int) -> tuple[float, float]:
    """Start and end angle (radians, clockwise from 12 o'clock) of wedge `index` of `count`."""
    step = 2 * math.pi / count
    return index * step, (index + 1) * step


def _point(angle: float, radius: float) -> tuple[float, float]:
    # Angle 0 points up; SVG's y axis points down.
    return radius * math.sin(angle), -radius * math.cos(angle)


def wedge_path(index: int, count: int, rating: int | None) -> str:
    """The SVG path of one wedge; empty when the area has no rating yet."""
    radius = wedge_radius(rating)
    if radius == 0:
        return ""
    if count == 1:  # a full circle, drawn as two half arcs
        return f"M 0 {-radius:.2f} A {radius:.2f} {radius:.2f} 0 1 1 0 {radius:.2f} A {radius:.2f} {radius:.2f} 0 1 1 0 {-radius:.2f} Z"
    start, end = wedge_angles(index, count)
    (x0, y0), (x1, y1) = _point(start, radius), _point(end, radius)
    large = 1 if end - start > math.pi else 0
    return f"M 0 0 L {x0:.2f} {y0:.2f} A {radius:.2f} {radius:.2f} 0 {large} 1 {x1:.2f} {y1:.2f} Z"


def _label_lines(name: str) -> list[str]:
    """A name wrapped into at most two short lines; the full name is in the text alternative."""
    words, lines, line = name.split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if len(candidate) <= _LABEL_CHARS or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    lines.append(line)
    if len(lines) > 2:
        lines = [lines[0], lines[1] + "…"]
    return [ln if len(ln) <= _LABEL_CHARS + 1 else ln[: _LABEL_CHARS - 1] + "…" for ln in lines]


Words = Mapping[str, str]


def _rating_text(name: str, rating: int | None, words: Words) -> str:
    if rating is None:
        return words["not_rated"].format(name=name)
    return words["rated"].format(name=name, rating=rating)


def satisfaction_wheel(
    areas: Sequence[tuple[str, int | None]], id_prefix: str = "wheel", *, words: Words
) -> Markup:
    """The wheel for (area name, current rating) pairs, as an inline <svg>."""
    count = len(areas)
    e = escape_html
    summary = "; ".join(_rating_text(name, rating, words) for name, rating in areas)
    parts = [
        f'<svg class="wheel" viewBox="-205 -138 410 276" direction="ltr" role="img" '
        f'aria-labelledby="{id_prefix}-title {id_prefix}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{id_prefix}-title">{e(words["title"])}</title>',
        f'<desc id="{id_prefix}-desc">{e(summary)}</desc>',
    ]
    for ring in (2, 4, 6, 8):
        parts.append(f'<circle class="wheel__ring" r="{wedge_radius(ring):.0f}"/>')
    for index, (name, rating) in enumerate(areas):
        path = wedge_path(index, count, rating)
        if path:
            parts.append(
                f'<path class="wheel__wedge wheel__wedge--{index % 8}" d="{path}" '
                f'data-area="{e(name)}" data-rating="{rating}"><title>{e(_rating_text(name, rating, words))}</title></path>'
            )
    parts.append(f'<circle class="wheel__ring wheel__ring--ten" r="{WHEEL_RADIUS:.0f}"/>')
    if count > 1:
        for index in range(count):
            x, y = _point(wedge_angles(index, count)[0], WHEEL_RADIUS)
            parts.append(f'<line class="wheel__spoke" x1="0" y1="0" x2="{x:.2f}" y2="{y:.2f}"/>')
    parts.append(f'<text class="wheel__scale" x="3" y="{-WHEEL_RADIUS + 11:.0f}">10</text>')
    for index, (name, rating) in enumerate(areas):
        start, end = wedge_angles(index, count)
        middle = (start + end) / 2 if count > 1 else 0.0
        parts.append(_wedge_label(name, rating, middle, words))
    parts.append("</svg>")
    return trusted_html(parts)


def text_direction(text: str) -> str:
    """`rtl` when the text's first letter is of a right-to-left script (Hebrew, Arabic, ...)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


def label_anchor(horizontal: float, direction: str) -> str:
    """The text-anchor that keeps a label outside the wheel: a label right of the wheel
    grows rightwards from its point, one on the left leftwards. `start` is the left of an
    ltr text and the right of an rtl one, whatever the page's direction."""
    if -0.25 <= horizontal <= 0.25:
        return "middle"
    grows_right = horizontal > 0
    return "start" if grows_right == (direction == "ltr") else "end"


def _wedge_label(name: str, rating: int | None, angle: float, words: Words) -> str:
    x, y = _point(angle, WHEEL_RADIUS + _LABEL_GAP)
    direction = text_direction(name)
    anchor = label_anchor(math.sin(angle), direction)
    rating_line = words["label_rated"].format(rating=rating) if rating is not None else words["label_not_rated"]
    lines = _label_lines(name) + [rating_line]
    # Labels above the wheel grow upwards, the others downwards.
    first_y = y - (len(lines) - 1) * 14 if math.cos(angle) > 0.25 else y + (8 if math.cos(angle) < -0.25 else 4)
    rating_class = ' class="wheel__rating"'
    spans = "".join(
        f'<tspan x="{x:.2f}" y="{first_y + i * 14:.2f}"'
        f'{rating_class if i == len(lines) - 1 else ""}>{escape_html(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text class="wheel__label" direction="{direction}" text-anchor="{anchor}" aria-hidden="true">{spans}</text>'


TREND_WIDTH, TREND_HEIGHT, _PAD_X, _PAD_Y = 260.0, 90.0, 30.0, 16.0


def trend_points(history: Sequence[Rating]) -> list[tuple[float, float]]:
    """(x, y) of each dated rating: x proportional to time, y to the rating on 0-10."""
    days = [r.when.toordinal() for r in history if r.when]
    first, span = min(days), max(max(days) - min(days), 1)
    inner_w, inner_h = TREND_WIDTH - 2 * _PAD_X, TREND_HEIGHT - 2 * _PAD_Y
    return [
        (_PAD_X + inner_w * (r.when.toordinal() - first) / span, _PAD_Y + inner_h * (1 - r.value / 10))
        for r in history
        if r.when
    ]


def _trend_y(value: float) -> float:
    return _PAD_Y + (TREND_HEIGHT - 2 * _PAD_Y) * (1 - value / 10)


def _trend_scale(words: Words) -> list[str]:
    """The 1-10 scale the line is drawn on: a faint line at 1 and at 10, each labelled."""
    parts = []
    for value, label in ((10, words["scale_top"]), (1, words["scale_bottom"])):
        y = _trend_y(value)
        parts += [
            f'<line class="trend__guide" x1="{_PAD_X}" y1="{y:.1f}" x2="{TREND_WIDTH - _PAD_X}" y2="{y:.1f}"/>',
            f'<text class="trend__scale" x="{_PAD_X - 8:.1f}" y="{y + 3:.1f}" text-anchor="end" '
            f'aria-hidden="true">{escape_html(label)}</text>',
        ]
    return parts


def rating_trend(
    area_name: str, history: Sequence[Rating], id_prefix: str = "trend", *, words: Words, locale: str = LANGUAGE
) -> Markup:
    """A small line chart of dated ratings, first and latest values labelled."""
    points = trend_points(history)
    e = escape_html
    dated = [r for r in history if r.when]
    described = "; ".join(words["point"].format(date=human_date(r.when, locale), rating=r.value) for r in dated)
    title = words["title"].format(name=area_name, first=dated[0].value, latest=dated[-1].value)
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    (fx, fy), (lx, ly) = points[0], points[-1]
    parts = [
        f'<svg class="trend" viewBox="0 0 {TREND_WIDTH:.0f} {TREND_HEIGHT:.0f}" direction="ltr" role="img" '
        f'aria-labelledby="{id_prefix}-title {id_prefix}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{id_prefix}-title">{e(title)}</title>',
        f'<desc id="{id_prefix}-desc">{e(described)}</desc>',
        f'<line class="trend__axis" x1="{_PAD_X}" y1="{TREND_HEIGHT - _PAD_Y}" '
        f'x2="{TREND_WIDTH - _PAD_X}" y2="{TREND_HEIGHT - _PAD_Y}"/>',
        f'<polyline class="trend__line" points="{line}"/>',
    ]
    parts += [f'<circle class="trend__point" cx="{x:.1f}" cy="{y:.1f}" r="3.5"/>' for x, y in points]
    parts += _trend_scale(words)
    parts += [
        f'<text class="trend__value" x="{fx:.1f}" y="{fy - 7:.1f}" text-anchor="middle" aria-hidden="true">{dated[0].value}</text>',
        f'<text class="trend__value" x="{lx:.1f}" y="{ly - 7:.1f}" text-anchor="middle" aria-hidden="true">{dated[-1].value}</text>',
        f'<text class="trend__date" x="{fx:.1f}" y="{TREND_HEIGHT - 3:.1f}" aria-hidden="true">{short_date(dated[0].when, locale)}</text>',
        f'<text class="trend__date" x="{lx:.1f}" y="{TREND_HEIGHT - 3:.1f}" text-anchor="end" aria-hidden="true">{short_date(dated[-1].when, locale)}</text>',
        "</svg>",
    ]
    return trusted_html(parts)
