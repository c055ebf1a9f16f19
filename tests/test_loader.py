"""Stage 1: reading a client file keeps YAML 1.1's traps away and remembers lines."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from conftest import EXAMPLE_CLIENT, MINIMAL_CLIENT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach_site.clientfile import loader
from coach_site.clientfile.loader import MAX_FILE_BYTES, load_client_file
from coach_site.errors import ClientFileError


def load(tmp_path, text: str):
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    return load_client_file(path)


def only_problem(exc_info) -> str:
    assert len(exc_info.value.problems) == 1
    return str(exc_info.value.problems[0])


@pytest.mark.parametrize(
    "written, expected",
    [
        ("17:00", "17:00"),  # YAML 1.1: 1020
        ("no", "no"),
        ("off", "off"),
        ("yes", "yes"),
        ("on", "on"),
        ("true", "true"),
        ("1.10", "1.10"),
        ("0o17", "0o17"),
        ("0x1F", "0x1F"),
        ("1_000", "1_000"),
        ("'2026-09-01'", "2026-09-01"),
        ('"7"', "7"),
        (".inf", ".inf"),
    ],
)
def test_plain_scalars_outside_the_format_stay_text(tmp_path, written, expected):
    document = load(tmp_path, f"value: {written}\n")
    assert document.data["value"] == expected
    assert isinstance(document.data["value"], str)


def test_dates_and_whole_numbers_are_typed_and_keep_their_source(tmp_path):
    document = load(tmp_path, "when: 2026-09-15\nrating: 007\nnothing: ~\nempty:\n")
    assert document.data["when"] == dt.date(2026, 9, 15)
    assert document.data["when"].source == "2026-09-15"
    assert document.data["rating"] == 7 and document.data["rating"].source == "007"
    assert document.data["nothing"] is None and document.data["empty"] is None


def test_every_field_remembers_its_line(tmp_path):
    document = load(tmp_path, "client:\n  name: Ada\nfocus_areas:\n  - name: Career\n    satisfaction: 6\n")
    assert document.line_of(("client", "name")) == 2
    assert document.line_of(("focus_areas", 0, "satisfaction")) == 5
    # A field that is not in the file points at the nearest one that is.
    assert document.line_of(("focus_areas", 0, "outcome")) == 4


def test_unicode_is_text(tmp_path):
    document = load(tmp_path, "name: Zoë Ødegård — 王秀英 · 🌱 ×\n")
    assert document.data["name"] == "Zoë Ødegård — 王秀英 · 🌱 ×"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a: 1\na: 2\n", "x.yaml:2: a: appears twice (first on line 1)"),
        ("a: [1, 2\n", "x.yaml:1: this answer starts with `[`"),
        ("base: &b {x: 1}\ncopy: *b\n", "anchors and aliases (&name, *name) are not allowed"),
        ("a: !!python/object:os.system {}\n", "x.yaml:1: a: the tag tag:yaml.org,2002:python/object:os.system is not supported"),
        ("", "x.yaml:1: the file is empty"),
        ("- just\n- a list\n", "x.yaml:1: the file must be a mapping of fields"),
        ("[" * 5000 + "]" * 5000, "nested too deeply"),
    ],
)
def test_broken_files_are_refused_with_file_and_line(tmp_path, text, expected):
    with pytest.raises(ClientFileError) as exc_info:
        load(tmp_path, text)
    assert expected in str(exc_info.value)
    assert str(exc_info.value).startswith(str(tmp_path / "x.yaml"))


def test_a_file_over_one_mebibyte_is_refused_before_parsing(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * MAX_FILE_BYTES + "\n")
    with pytest.raises(ClientFileError) as exc_info:
        load_client_file(path)
    assert "a client file may be at most 1 MiB" in only_problem(exc_info)


def test_a_billion_laughs_file_is_refused(tmp_path):
    text = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b]\n"
    with pytest.raises(ClientFileError) as exc_info:
        load(tmp_path, text)
    assert "x.yaml:1:" in str(exc_info.value) and "anchors and aliases" in str(exc_info.value)


def test_non_utf8_files_are_refused_with_their_line(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"client:\n  name: Zo\xeb\n")
    with pytest.raises(ClientFileError) as exc_info:
        load_client_file(path)
    assert only_problem(exc_info) == f"{path}:2: is not UTF-8 text; save it as UTF-8"


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(ClientFileError) as exc_info:
        load_client_file(tmp_path / "nobody.yaml")
    assert only_problem(exc_info) == f"{tmp_path / 'nobody.yaml'}: no such file"
    (tmp_path / "clients").mkdir()
    (tmp_path / "clients" / "ada.yaml").write_text(MINIMAL_CLIENT)
    for said in ("ada", "ada.yaml"):  # the client named as a coach says it
        with pytest.raises(ClientFileError) as exc_info:
            load_client_file(tmp_path / said)
        assert only_problem(exc_info) == f"{tmp_path / said}: no such file; did you mean {tmp_path / 'clients' / 'ada.yaml'}?"


# libyaml composes a file when it can hold no anchor; PyYAML's composer when it might, or
# when libyaml refuses it. Whatever libyaml accepts, PyYAML must read as the same nodes.
_PIECES = st.sampled_from([
    "client:", "name:", " name: ", "  ", "    ", "\t", "- ", "-", ": ", ":", "? ", "\n", "\r\n", "\u0085",
    "\u2028", "#", " # ", "'", '"', "''", '\\"', "\\u00e9", "\\ud83d", "|", "|-", ">", "[", "]", "{", "}",
    ",", "&a", "*a", "!!str ", "!x ", "%", "@", "`", "17:00", "2026-09-15", "007", "~", "null", "no",
    "Freedom", "Zoë", "🌱", "\u00a0", "\u200b", "\x7f", "\x1b", "---", "...", "\ufeff", "x" * 40,
])


def _nodes(node):
    """A composed node as plain data: what the loader reads from it (where a list or mapping
    ends is not read)."""
    if node is None:
        return None
    start = (node.start_mark.line, node.start_mark.column)
    if isinstance(node, yaml.ScalarNode):
        end = (node.end_mark.line, node.end_mark.column)
        return ("scalar", node.tag, node.value, node.style or None, start, end)
    if isinstance(node, yaml.SequenceNode):
        return ("seq", node.tag, bool(node.flow_style), start, [_nodes(n) for n in node.value])
    return ("map", node.tag, bool(node.flow_style), start, [(_nodes(k), _nodes(v)) for k, v in node.value])


def _read(compose, text: str):
    try:
        return _nodes(compose(text))
    except yaml.YAMLError:
        return "refused"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_the_loader_composes_what_pyyaml_composes(text):
    assert _read(loader._compose, text) == _read(lambda t: loader._Loader(t).get_single_node(), text)


@pytest.mark.parametrize("text", [
    "a: |#\n  lost\n", "a: >-#\n", "a: ''\t\n", "a: x\ufeff\n", "a: x\x85- b\n", "a: &x 1\nb: *x\n",
    "a: !!str &x 1\n", "a:\n  # a note\nb: 1\n", "- # a note\n- x\n", "[a ? ]\n", "a: # a note\n\nb:\n",
    "a:\n  -\n  - # a note\n\n  -\n", "? a\n", "'a' : # a note\n",
])
def test_where_libyaml_reads_otherwise_pyyaml_reads(text):
    """Each known difference between the two, read as PyYAML reads it."""
    assert _read(loader._compose, text) == _read(lambda t: loader._Loader(t).get_single_node(), text)


@pytest.mark.parametrize("text", [
    EXAMPLE_CLIENT.read_text(encoding="utf-8"),
    "client:\n  name: Ada\nfocus_areas:\n  - name: Career\n    outcome:   # still to write\n    next_steps:\n\n"
    "  - name: Health\n    next_steps:\n      -\n      - Walk *every* day & rest\n",
])
def test_ordinary_client_files_are_composed_by_libyaml(monkeypatch, text):
    """The fast path is the one taken for an ordinary client file, empty answers included."""
    expected = _read(lambda t: loader._Loader(t).get_single_node(), text)
    monkeypatch.setattr(loader._Loader, "get_single_node", lambda self: pytest.fail("read by PyYAML"))
    assert _read(loader._compose, text) == expected
