"""The wheel and the trends: their geometry, and their text for screen readers."""

from __future__ import annotations

import datetime as dt
import math
import re
import xml.etree.ElementTree as ET

import pytest

from coach_site.clientfile.model import Rating
from coach_site.project import PACKAGE_CONTENT
from coach_site.workbook.pictures import (
    WHEEL_RADIUS,
    rating_trend,
    satisfaction_wheel,
    trend_points,
    wedge_angles,
    wedge_path,
    wedge_radius,
)
from coach_site.workbook.render import load_words

SVG = "{http://www.w3.org/2000/svg}"


WORDS = load_words([PACKAGE_CONTENT])  # the pictures' words, as the workbook has them


def parse(svg) -> ET.Element:
    return ET.fromstring(str(svg))


def arc_radius(path: str) -> float:
    return float(re.search(r"A ([\d.]+) ", path).group(1))


def test_one_wedge_per_rated_area_with_radius_proportional_to_the_rating():
    areas = [("Career", 6), ("Health", 4), ("Family", 10), ("Money", 1)]
    root = parse(satisfaction_wheel(areas, words=WORDS["wheel"]))
    wedges = root.findall(f"{SVG}path")
    assert len(wedges) == 4
    for wedge, (name, rating) in zip(wedges, areas):
        assert wedge.get("data-area") == name
        assert arc_radius(wedge.get("d")) == pytest.approx(WHEEL_RADIUS * rating / 10)


def test_the_ten_ring_is_drawn_at_the_full_radius():
    root = parse(satisfaction_wheel([("Career", 6), ("Health", 4)], words=WORDS["wheel"]))
    rings = [c for c in root.findall(f"{SVG}circle") if "wheel__ring--ten" in c.get("class")]
    assert len(rings) == 1 and float(rings[0].get("r")) == WHEEL_RADIUS


def test_wedges_split_the_circle_evenly_and_end_where_their_angle_says():
    assert wedge_angles(0, 4) == (0, pytest.approx(math.pi / 2))
    assert wedge_angles(3, 4) == (pytest.approx(3 * math.pi / 2), pytest.approx(2 * math.pi))
    # Wedge 1 of 4 at rating 5 starts at 3 o'clock and ends at 6 o'clock, radius 50.
    path = wedge_path(1, 4, 5)
    numbers = [float(n) for n in re.findall(r"-?[\d.]+", path)]
    assert numbers[2:4] == pytest.approx([50, 0], abs=0.01)
    assert numbers[-2:] == pytest.approx([0, 50], abs=0.01)


def test_an_unrated_area_has_a_label_but_no_wedge():
    root = parse(satisfaction_wheel([("Career", 6), ("Health", None)], words=WORDS["wheel"]))
    assert [p.get("data-area") for p in root.findall(f"{SVG}path")] == ["Career"]
    labels = " ".join("".join(t.itertext()) for t in root.findall(f"{SVG}text"))
    assert "Health" in labels and "not rated" in labels
    assert wedge_radius(None) == 0 and wedge_path(0, 2, None) == ""


def test_a_single_area_is_a_full_disc():
    path = wedge_path(0, 1, 8)
    assert path.count(" A ") == 2 and arc_radius(path) == pytest.approx(80)


def test_the_wheel_has_a_text_alternative_naming_every_area_and_rating():
    root = parse(satisfaction_wheel([("Career", 6), ("Health", None)], words=WORDS["wheel"]))
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}desc").text == "Career: 6 out of 10; Health: not rated yet"
    assert root.find(f"{SVG}desc").get("id") == desc_id


def test_names_in_pictures_are_escaped():
    svg = str(satisfaction_wheel([("<script>x</script>", 5)], words=WORDS["wheel"]))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    parse(svg)  # still well-formed


def test_long_names_are_wrapped_into_at_most_two_label_lines():
    root = parse(satisfaction_wheel([("A very long focus area name that goes on and on", 5)], words=WORDS["wheel"]))
    label = root.findall(f"{SVG}text")[-1]
    spans = label.findall(f"{SVG}tspan")
    assert len(spans) == 3  # two lines of name, one of rating
    assert all(len(s.text) <= 17 for s in spans[:2])


def history(*pairs):
    return [Rating(dt.date.fromisoformat(d), v) for d, v in pairs]


def test_trend_points_follow_time_and_rating():
    points = trend_points(history(("2026-01-01", 2), ("2026-01-11", 8), ("2026-01-31", 5)))
    xs, ys = zip(*points)
    assert xs[0] < xs[1] < xs[2]
    # Ten days of thirty: a third of the width between first and last.
    assert (xs[1] - xs[0]) / (xs[2] - xs[0]) == pytest.approx(1 / 3)
    assert ys[1] < ys[2] < ys[0]  # higher rating, higher on the page


def test_trend_labels_first_and_latest_values_and_describes_every_point():
    history_ = history(("2026-07-01", 3), ("2026-09-15", 5), ("2026-10-13", 4))
    root = parse(rating_trend("Health", history_, words=WORDS["trend"]))
    values = [t.text for t in root.findall(f"{SVG}text") if t.get("class") == "trend__value"]
    assert values == ["3", "4"]
    assert len(root.findall(f"{SVG}circle")) == 3
    assert root.find(f"{SVG}desc").text == "1 July 2026: 3; 15 September 2026: 5; 13 October 2026: 4"
    assert root.find(f"{SVG}title").text == "Health: satisfaction over time, from 3 to 4"
