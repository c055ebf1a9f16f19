"""Everything the coachee sends back lands in the client file: ratings, steps and ticks,
review notes, value meanings, anything we missed; from a file, a saved email or pasted text."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from email.message import EmailMessage

import pytest
from conftest import EXAMPLE_CLIENT, PRACTICE_SITE_URL
from test_cli import run

from coach_site.clientfile.loader import load_client_file
from coach_site.clientfile.validate import validate_client
from coach_site.commands.import_reflections import import_reflections
from coach_site.errors import ClientFileError

TOKEN = "UDA4ZLKm-ofx5xC6qIoCDw"
TODAY = dt.date(2026, 10, 27)
EVERY_FIELD = f"""\
# Reflections from a coach-site workbook, written on 2026-10-27.
# Send this file to your coach.
link:
  token: "{TOKEN}"
values:
  - name: "Courage"
    meaning: "Saying the hard thing kindly"
  - name: "craft"
    meaning: "Finishing, not only starting"
focus_areas:
  - name: "Career"
    satisfaction: "7"
    notes:
      outcome: "Still true, but maybe a team of three"
    next_steps:
      - step: "Book the conversation with my manager before 30 September"
        done: true
      - step: "Write up the first portfolio project this weekend"
        done: true
      - "Ask Jo to review my portfolio"
      - "Ask Jo to review my portfolio"
  - name: "Health"
    satisfaction: "6"
    next_steps:
      - "Sign up for the spring 10k"
      - "Sign up for the spring 10k"
      - step: "Buy running shoes"
        done: true
homework:
  action_items:
    - step: "Ask two colleagues what they see as my strengths"
      done: true
schedule:
  month: "One Saturday a month: a long walk alone"
anything_we_missed: "My creative side: painting."
"""


@pytest.fixture
def client(project):
    path = project / "clients" / EXAMPLE_CLIENT.name
    shutil.copy(EXAMPLE_CLIENT, path)
    return path


def imported(client, text: str, tmp_path, **kwargs):
    reflections = tmp_path / "reflections.yaml"
    reflections.write_text(text, encoding="utf-8")
    report = import_reflections(client, reflections, today=TODAY, **kwargs)
    return report, validate_client(load_client_file(client))


def test_every_field_of_the_contract_lands_in_the_client_file(client, tmp_path):
    report, workbook = imported(client, EVERY_FIELD, tmp_path)
    career, health, relationships = workbook.focus_areas
    # A rating dated today joins the history; the coach's ratings stay.
    assert [(r.when, r.value) for r in career.satisfaction.history] == [
        (dt.date(2026, 7, 1), 4), (dt.date(2026, 9, 15), 5), (dt.date(2026, 10, 13), 6), (TODAY, 7)]
    # A plain rating is the Strategy session's: dated so, it stays beside the new one.
    assert [(r.when, r.value) for r in health.satisfaction.history] == [(dt.date(2026, 9, 15), 4), (TODAY, 6)]
    # A note beside the coach's answer, never over it.
    assert career.outcome.startswith("Leading the design team")
    assert career.notes["outcome"] == "Still true, but maybe a team of three"
    assert career.notes["barriers"].startswith("The portfolio is half done")  # the earlier note stays
    # Steps: ticks recorded (the one already done keeps its date), new ones appended once.
    assert [(str(s), s.done) for s in career.next_steps] == [
        ("Book the conversation with my manager before 30 September", dt.date(2026, 9, 25)),
        ("Write up the first portfolio project this weekend", TODAY),
        ("Ask Jo to review my portfolio", False),
    ]
    assert [(str(s), s.done) for s in health.next_steps] == [
        ("Sign up for the spring 10k", False), ("Buy running shoes", TODAY)]
    assert relationships == validate_client(load_client_file(EXAMPLE_CLIENT)).focus_areas[2]
    assert workbook.homework.action_items[0].done == TODAY and not workbook.homework.action_items[1].done
    # A meaning fills an empty one; beside one the coach wrote, it is a note.
    courage, craft = workbook.values[3], workbook.values[2]
    assert courage.meaning == "Saying the hard thing kindly"
    assert craft.meaning == "Doing fewer things, *properly*." and craft.note == "Also finishing what I start."
    assert "Craft: note beside the meaning" in report.conflicts  # its note differs: left, and said
    assert workbook.schedule.month.startswith("One weekend away")  # the coach's answer stays
    assert "schedule: month" in report.conflicts
    assert workbook.anything_we_missed == "My creative side: painting."
    assert "Health: satisfaction 6 on 2026-10-27" in report.filled


def test_a_meaning_beside_the_coachs_is_kept_as_a_note_and_never_overwrites(client, tmp_path):
    text = client.read_text().replace("    # note: Maya's own words, kept beside the meaning\n"
                                      "    note: Also finishing what I start.\n", "")
    client.write_text(text)
    report, workbook = imported(client, EVERY_FIELD, tmp_path)
    craft = workbook.values[2]
    assert craft.meaning == "Doing fewer things, *properly*."
    assert craft.note == "Finishing, not only starting"
    assert "Craft: note beside the meaning" in report.filled


def test_a_second_import_of_the_same_file_changes_nothing(client, tmp_path):
    imported(client, EVERY_FIELD, tmp_path)
    after_first = client.read_text()
    report, _ = imported(client, EVERY_FIELD, tmp_path)
    assert client.read_text() == after_first and not report.changed


def test_a_rating_already_given_today_differently_is_a_conflict(client, tmp_path):
    imported(client, EVERY_FIELD, tmp_path)
    report, workbook = imported(client, EVERY_FIELD.replace('satisfaction: "7"', 'satisfaction: "9"'), tmp_path)
    assert "Career: satisfaction 9 on 2026-10-27" in report.conflicts
    assert workbook.focus_areas[0].satisfaction.current == 7


def test_an_undated_rating_without_a_session_date_is_kept_and_the_coach_told_how(project, tmp_path):
    client = project / "clients" / "ada.yaml"
    client.write_text(f"client:\n  name: Ada\nlink:\n  token: {TOKEN}\nfocus_areas:\n  - name: Career\n"
                      "    satisfaction: 5\n")
    report, workbook = imported(client, f"link:\n  token: {TOKEN}\nfocus_areas:\n  - name: Career\n"
                                        "    satisfaction: 8\n", tmp_path)
    assert workbook.focus_areas[0].satisfaction.current == 5
    assert "has no date" in report.conflicts[0] and "satisfaction: {YYYY-MM-DD: 5}" in report.conflicts[0]


def test_a_rating_for_an_area_the_coach_has_not_rated_yet_is_dated_today(project, tmp_path):
    client = project / "clients" / "ada.yaml"
    client.write_text(f"client:\n  name: Ada\nlink:\n  token: {TOKEN}\nfocus_areas:\n  - name: Career\n")
    report, workbook = imported(client, f'link:\n  token: "{TOKEN}"\nfocus_areas:\n  - name: "Career"\n'
                                        '    satisfaction: "8"\n', tmp_path)
    assert [(r.when, r.value) for r in workbook.focus_areas[0].satisfaction.history] == [(TODAY, 8)]
    assert "Career: satisfaction 8 on 2026-10-27" in report.filled
    assert "2026-10-27: 8" in client.read_text()  # the coach reads when it was given


def test_a_note_on_a_field_that_is_not_a_question_is_an_error_naming_it(client, tmp_path):
    broken = EVERY_FIELD.replace('      outcome: "Still', '      outcom: "Still')
    with pytest.raises(ClientFileError) as error:
        imported(client, broken, tmp_path)
    assert "focus area 1 (Career), notes.outcom" in str(error.value) and "did you mean `outcome`?" in str(error.value)


def test_prep_shows_notes_done_steps_and_anything_we_missed(project, client, tmp_path):
    imported(client, EVERY_FIELD, tmp_path)
    result = run(project, "prep", f"clients/{client.name}", "--markdown")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Their note: Still true, but maybe a team of three" in out
    assert "Anything we missed? My creative side: painting." in out
    assert "- [x] Write up the first portfolio project this weekend (done 27 October 2026)" in out
    assert "- [ ] Ask Jo to review my portfolio" in out
    assert "- [ ] Write up the first portfolio project" not in out
    assert "- [x] Ask two colleagues what they see as my strengths" in out
    assert "**Craft**: Doing fewer things, *properly*. (their note: Also finishing what I start.)" in out


def test_changes_names_notes_ticks_and_anything_we_missed(project, client, tmp_path):
    git = ["git", "-c", "user.name=Coach", "-c", "user.email=coach@example.org"]
    subprocess.run(git + ["init", "-q"], cwd=project, check=True)
    subprocess.run(git + ["add", "-A"], cwd=project, check=True)
    subprocess.run(git + ["commit", "-qm", "session"], cwd=project, check=True)
    imported(client, EVERY_FIELD, tmp_path)
    result = run(project, "changes", f"clients/{client.name}")
    assert result.returncode == 0, result.stderr
    assert "note on outcome written" in result.stdout
    assert "next step done: Write up the first portfolio project this weekend" in result.stdout
    assert "Anything we missed written" in result.stdout
    assert "Courage: meaning written" in result.stdout


def mail(body: bytes | str, *, cte: str | None = None, attach: str | None = None, subtype: str = "plain",
         flowed: bool = False) -> bytes:
    message = EmailMessage()
    message["From"] = "Maya <maya.lindqvist@example.org>"
    message["To"] = "sam.rivera@example.org"
    message["Subject"] = "Reflections from Maya Lindqvist"
    params = {"format": "flowed"} if flowed else {}
    message.set_content(body, subtype=subtype, cte=cte, params=params) if isinstance(body, str) else None
    if attach:
        message.add_attachment(attach.encode(), maintype="application", subtype="x-yaml",
                               filename="reflections-2026-10-27.yaml")
    return bytes(message)


def flowed(text: str, width: int = 40) -> str:
    """Text as a mail client sends it with format=flowed: long lines broken at spaces, each
    soft break a trailing space; lines starting with a space get one more (space-stuffing)."""
    out = []
    for line in text.split("\n"):
        pieces = []
        while len(line) > width and " " in line[1:width]:
            cut = line.rindex(" ", 1, width) + 1
            pieces.append(line[:cut])
            line = line[cut:]
        pieces.append(line)
        out += [(" " + p) if p.startswith((" ", ">", "From ")) else p for p in pieces]
    return "\n".join(out)


GREETING = "Hej Sam,\n\nhär är what I wrote in my workbook this week, with everything I ticked and the notes.\n\n"
SIGNATURE = "\n-- \nMaya\nSent from my phone\n"


@pytest.mark.parametrize("kind", ["quoted-printable", "base64", "flowed", "html", "attachment"])
def test_a_saved_email_of_the_reflections_imports_like_the_file(project, client, kind):
    text = GREETING + EVERY_FIELD + SIGNATURE
    if kind == "flowed":
        raw = mail(flowed(text), cte="quoted-printable", flowed=True)
    elif kind == "html":
        markup = "".join(f"<div>{line.replace(' ', '&nbsp;') or '<br>'}</div>" for line in
                         text.replace("&", "&amp;").replace("<", "&lt;").split("\n"))
        raw = mail(markup, subtype="html", cte="base64")
    elif kind == "attachment":
        raw = mail("Hi Sam, the file is attached.", attach=EVERY_FIELD)
    else:
        raw = mail(text, cte=kind)
    if kind in ("base64", "html"):
        assert b"link:" not in raw  # really encoded
    elif kind != "attachment":
        assert b"h=C3=A4r" in raw  # quoted-printable
        assert kind == "flowed" or b"=\n" in raw.replace(b"\r\n", b"\n")  # with its soft line breaks
    (project / "from-maya.eml").write_bytes(raw)
    result = run(project, "import-reflections", f"clients/{client.name}", "from-maya.eml")
    assert result.returncode == 0, result.stderr
    workbook = validate_client(load_client_file(client))
    assert workbook.anything_we_missed == "My creative side: painting."
    assert workbook.focus_areas[0].notes["outcome"] == "Still true, but maybe a team of three"
    assert [str(s) for s in workbook.focus_areas[1].next_steps][-1] == "Buy running shoes"


def test_the_emails_text_pasted_on_standard_input_imports(project, client):
    pasted = GREETING + EVERY_FIELD + SIGNATURE
    result = subprocess.run([sys.executable, "-m", "coach_site", "import-reflections", f"clients/{client.name}",
                             "-"], cwd=project, input=pasted, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "filled: anything we missed" in result.stdout
    assert validate_client(load_client_file(client)).anything_we_missed == "My creative side: painting."


def test_an_email_without_reflections_is_a_clear_error(project, client):
    (project / "hello.eml").write_bytes(mail("Hi Sam, see you Tuesday!"))
    before = client.read_bytes()
    result = run(project, "import-reflections", f"clients/{client.name}", "hello.eml")
    assert result.returncode == 1
    assert "hello.eml" in result.stderr and "holds no reflections" in result.stderr
    assert "Traceback" not in result.stderr and client.read_bytes() == before


def test_the_homework_email_lists_only_what_is_still_open_and_how_to_send_back(project, write_client):
    client = write_client(f"""\
client:
  name: Ada Example
link:
  token: {TOKEN}
focus_areas:
  - name: Career
    next_steps:
      - step: Update the CV
        done: 2026-10-20
      - Call Jo
homework:
  action_items:
    - {{step: Read the book, done: true}}
    - Book the dentist
""")
    result = run(project, "email", f"clients/{client.name}")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "HW1: Review your primary focus areas: Career. Anything we missed?" in text
    assert "- Career: Call Jo\n" in text and "Update the CV" not in text
    assert "- Book the dentist" in text and "Read the book" not in text
    assert "HW3:" in text and "TED talk" in text  # nothing of them written yet
    assert 'open "My reflections" and tap "Send to my coach"' in text
    assert f"{PRACTICE_SITE_URL}{TOKEN}/reflections.html" in text
    client.write_text(client.read_text().replace("      - Call Jo\n", "      - {step: Call Jo, done: true}\n")
                      + "anything_we_missed: Nothing, it is all there.\n")
    text = run(project, "email", f"clients/{client.name}").stdout
    assert "HW1" not in text and "- Career: what would move it forward?" in text
