"""Every word comes back, however the mail travelled.

The workbook's draft is a letter, then a machine part: the reflections file's exact bytes
in base64 between two fixed marker lines (see reflections_source.py). Each form a mail
really takes on the way (as written, hard-wrapped by a mail program, forwarded and quoted
with a signature, HTML only, the file attached without a charset) must import exactly the
words the coachee typed.
"""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
import sys
import textwrap
from email.message import EmailMessage
from pathlib import Path

import pytest
from conftest import EXAMPLE_CLIENT

from coach_site.clientfile.loader import load_client_file
from coach_site.clientfile.validate import validate_client
from coach_site.commands.reflections_source import BEGIN, END

TOKEN = "UDA4ZLKm-ofx5xC6qIoCDw"
# What a coachee writes: emoji, a middle dot, dashes, quotes, a colon, a hash, line breaks.
MISSED = "My creative side — painting · 🎨 on Sundays: \"really\" #1\nAnd music, too – 30 min."
WEEK = "Mon–Fri: deep work 9–12\nSat: long run · 10 km 🏃"
REFLECTIONS = (
    "# Reflections from a coach-site workbook, written on 2026-10-27.\n"
    f'link:\n  token: "{TOKEN}"\n'
    f"schedule:\n  week: {__import__('json').dumps(WEEK, ensure_ascii=False)}\n"
    f"anything_we_missed: {__import__('json').dumps(MISSED, ensure_ascii=False)}\n"
)


def draft_text(reflections: str = REFLECTIONS) -> str:
    """The draft as the workbook writes it: a letter for the coach, then the machine part."""
    coded = base64.b64encode(reflections.encode("utf-8")).decode("ascii")
    letter = ("Hi Sam,\n\nHere are my reflections from my workbook, for our next session. This week I "
              "looked again at every area and at the schedule we drew up together, and here is what came up.\n\n"
              f"Ideal week\n{WEEK}\n\nAnything we missed?\n{MISSED}\n\nMaya\n\n")
    return (letter + "Please keep the lines below as they are: they bring my words into my workbook.\n"
            + BEGIN + "\n" + "\n".join(textwrap.wrap(coded, 64)) + "\n" + END + "\n")


def mail(body: str, *, subtype: str = "plain", cte: str = "quoted-printable") -> bytes:
    message = EmailMessage()
    message["From"] = "Maya <maya.lindqvist@example.org>"
    message["To"] = "sam.rivera@example.org"
    message["Subject"] = "Reflections from Maya Lindqvist"
    message.set_content(body, subtype=subtype, cte=cte)
    return bytes(message)


def hard_wrapped(text: str, width: int = 72) -> str:
    """What a mail program sending format=fixed does: every long line broken at a space."""
    return "\n".join(line for paragraph in text.split("\n")
                     for line in (textwrap.wrap(paragraph, width, break_long_words=False) or [""]))


def forwarded(text: str) -> str:
    quoted = "\n".join(("> " + line) if line else ">" for line in text.split("\n"))
    return ("Sam, forwarding this so it is in my coaching folder.\n\n"
            "---------- Forwarded message ---------\nFrom: Maya <maya.lindqvist@example.org>\n"
            "Date: Mon, 7 Dec 2026 at 18:43\nSubject: Reflections from Maya Lindqvist\n\n"
            f"{quoted}\n\n-- \nSam Rivera\nCoaching for the long run\n")


def html_only(text: str) -> str:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "<html><body>" + "".join(f"<div>{line or '<br>'}</div>" for line in escaped.split("\n")) + "</body></html>"


def attached(content_type: str) -> bytes:
    message = EmailMessage()
    message["From"] = "Maya <maya.lindqvist@example.org>"
    message["Subject"] = "Reflections"
    message.set_content("Hi Sam, my reflections are attached.\nMaya")
    maintype, subtype = content_type.split("/")
    message.add_attachment(REFLECTIONS.encode("utf-8"), maintype=maintype, subtype=subtype,
                           filename="reflections-2026-10-27.yaml")
    raw = bytes(message)
    assert b"charset" not in raw.split(b"reflections-2026-10-27.yaml")[0].rsplit(b"Content-Type", 1)[1]
    return raw


FORMS = {
    "as the workbook wrote it": lambda: mail(draft_text()),
    "hard-wrapped at 72 columns": lambda: mail(hard_wrapped(draft_text()), cte="8bit"),
    "forwarded, quoted, signed": lambda: mail(forwarded(hard_wrapped(draft_text(), 76))),
    "forwarded twice": lambda: mail(forwarded(forwarded(draft_text()))),
    "HTML only": lambda: mail(html_only(draft_text()), subtype="html", cte="base64"),
    "attached as text/yaml without a charset": lambda: attached("text/yaml"),
    "attached as text/plain without a charset": lambda: attached("text/plain"),
}


def run(project: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(project), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "coach_site", *args], cwd=project, env=env, capture_output=True,
                          text=True, input=stdin, timeout=120)


@pytest.fixture
def client(project) -> Path:
    path = project / "clients" / EXAMPLE_CLIENT.name
    shutil.copy(EXAMPLE_CLIENT, path)
    # The example's own ideal week makes room for the coachee's.
    text, taken = re.subn(r"^  week: \|\n(?:    .*\n)+", "", path.read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert taken == 1
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("form", FORMS)
def test_every_mail_form_brings_back_exactly_what_was_written(project, client, form):
    (project / "mail.eml").write_bytes(FORMS[form]())
    result = run(project, "import-reflections", f"clients/{client.name}", "mail.eml")
    assert result.returncode == 0, result.stderr
    workbook = validate_client(load_client_file(client))
    assert workbook.anything_we_missed == MISSED
    assert workbook.schedule.week == WEEK


def test_the_draft_pasted_on_standard_input_brings_back_exactly_what_was_written(project, client):
    result = run(project, "import-reflections", f"clients/{client.name}", "-", stdin=forwarded(draft_text()))
    assert result.returncode == 0, result.stderr
    assert validate_client(load_client_file(client)).anything_we_missed == MISSED


def test_a_machine_part_changed_on_the_way_is_said_with_what_to_ask_for(project, client):
    broken = draft_text().replace(BEGIN + "\n", BEGIN + "\n" + "%%%notbase64\n" + "A", 1)
    (project / "mail.eml").write_bytes(mail(broken))
    before = client.read_bytes()
    result = run(project, "import-reflections", f"clients/{client.name}", "mail.eml")
    assert result.returncode == 1 and "bug in coach-site" not in result.stderr
    assert "changed on the way" in result.stderr and "Send to my coach" in result.stderr
    assert client.read_bytes() == before
