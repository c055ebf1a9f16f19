"""The coach's commands around the build: email, prep, schema, verbosity and colours."""

from __future__ import annotations

import email
import email.policy
import json
import shutil

import pytest
from conftest import (
    EXAMPLE_CLIENT,
    MINIMAL_CLIENT,
    PRACTICE_COACH,
    PRACTICE_SITE_URL,
    REPO,
)
from test_cli import TOKEN, run

from coach_site.clientfile.loader import load_client_file
from coach_site.clientfile.model import FocusArea, Workbook
from coach_site.clientfile.schema import SCHEMA_FILE, client_schema, schema_text
from coach_site.clientfile.validate import validate_client

LINK = f"{PRACTICE_SITE_URL}UDA4ZLKm-ofx5xC6qIoCDw/"


def own_token(text: str, slug: str) -> str:
    """A client file's text with a token of its own: clients sharing one are refused."""
    return text.replace(TOKEN, f"{slug}OwnToken".ljust(22, "x"))


def copy_example(project):
    shutil.copy(EXAMPLE_CLIENT, project / "clients" / EXAMPLE_CLIENT.name)
    return f"clients/{EXAMPLE_CLIENT.name}"


def test_email_prints_the_seeds_homework_email(project):
    result = run(project, "email", copy_example(project), "--yes")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    for expected in (
        "Subject: Your homework from our strategy session", "Hi Maya,", "Great talking with you!", LINK,
        "for 29 September 2026", "HW1: Review your primary focus areas: Career, Health, Relationships. Anything we missed?",
        "- Career: Write up the first portfolio project this weekend\n",
        "- Health: Sign up for the spring 10k", "- Ask two colleagues what they see as my strengths",
        "See you on 20 October 2026.", 'open "My reflections" and tap "Send to my coach"', f"{LINK}reflections.html",
    ):
        assert expected in text, expected
    # Only homework still open: the step done, and the schedule and TED talk already written, are left out.
    assert "Book the conversation" not in text and "HW3" not in text and "TED talk" not in text
    assert text.rstrip().endswith(PRACTICE_COACH[0])


def test_email_eml_is_a_draft_with_text_and_html_parts(project, tmp_path):
    eml = tmp_path / "homework.eml"
    result = run(project, "email", copy_example(project), "--eml", str(eml), "--yes")
    assert result.returncode == 0, result.stderr
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert message["To"] == "Maya Lindqvist <maya.lindqvist@example.org>"
    assert message["From"] == f"{PRACTICE_COACH[0]} <{PRACTICE_COACH[1]}>"
    assert message["Subject"] == "Your homework from our strategy session"
    assert message["X-Unsent"] == "1"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Hi Maya," in text and "Hi Maya," in html
    assert f'<a href="{LINK}">{LINK}</a>' in html


def test_email_html_escapes_the_clients_words(project, tmp_path, write_client):
    write_client(MINIMAL_CLIENT.replace("  - name: Career\n", "  - name: Career\n    next_steps: ['<b>bold</b> & more']\n"))
    eml = tmp_path / "x.eml"
    assert run(project, "email", "clients/ada-example.yaml", "--eml", str(eml)).returncode == 0
    html = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default).get_body(("html",)).get_content()
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in html and "<b>bold" not in html


def test_prep_flags_open_questions_and_shows_the_trend(project):
    result = run(project, "prep", copy_example(project), "--markdown")
    assert result.returncode == 0, result.stderr
    md = result.stdout
    assert md.startswith("# Session prep: Maya Lindqvist: 20 October 2026")
    assert "About 55 minutes: values 10, 3 focus areas x 15." in md
    assert "## Review the values (10 min)" in md and "- **Curiosity**: Learning in public" in md
    assert "## Career (about 15 min)" in md
    assert "Rating: 4 (1 Jul 2026) -> 5 (15 Sep 2026) -> 6 (13 Oct 2026). 0 of 8 questions still open." in md
    relationships = md.split("## Relationships")[1]
    assert "4 of 8 questions still open" in relationships
    assert "- [ ] **Still open:** What would have to happen to get there?" in relationships
    assert "- [ ] Put Sunday calls in the shared calendar" in relationships
    terminal = run(project, "prep", f"clients/{EXAMPLE_CLIENT.name}").stdout
    assert "Still open: What would a 10 look like?" in terminal and "**" not in terminal


def test_prep_shows_the_ideal_schedule_and_the_ted_talk(project):
    client = copy_example(project)
    path = project / client
    # An open part of each: the month not written yet, the talk's title still to find.
    text = path.read_text(encoding="utf-8")
    text = text.replace("  month: One weekend away from screens; one coffee with someone I admire.\n", "")
    path.write_text(text.replace("  title: The quiet lead\n", ""), encoding="utf-8")
    md = run(project, "prep", client, "--markdown").stdout
    schedule, talk = md.split("## Ideal schedule")[1].split("## TED talk")
    assert "  Monday and Thursday: runs." in schedule and "  09:00 deep work, no meetings" in schedule
    assert "- [ ] **Still open:** What happens once a month" in schedule
    assert "- [ ] **Still open:** What would your talk be called?" in talk
    assert "  You don't have to be the loudest person in the room to lead it." in talk


def test_prep_is_never_part_of_the_published_site(project, tmp_path):
    client = copy_example(project)
    assert run(project, "build", client, "--site-dir", str(tmp_path / "site")).returncode == 0
    everything = "".join(p.read_text(errors="replace") for p in (tmp_path / "site").rglob("*") if p.is_file())
    assert "Session prep" not in everything and "Still open" not in everything


def test_schema_comes_from_the_model_and_the_committed_copy_is_current(project):
    result = run(project, "schema")
    schema = json.loads(result.stdout)
    assert schema == client_schema()
    assert schema["required"] == ["client", "link"]  # no focus areas yet after the Values session
    area = schema["$defs"]["FocusArea"]
    assert set(area["properties"]) == set(FocusArea.model_fields)
    assert area["additionalProperties"] is False
    assert area["properties"]["why_it_matters"]["description"] == "What is important to you about that?"
    assert set(schema["properties"]) == set(Workbook.model_fields)
    assert (REPO / "clients" / SCHEMA_FILE).read_text() == schema_text(), "run `coach-site schema --write`"


def test_new_points_editors_to_the_schema(project):
    assert run(project, "new", "Ada Example").returncode == 0
    first_line = (project / "clients" / "ada-example.yaml").read_text().splitlines()[0]
    assert first_line == f"# yaml-language-server: $schema=./{SCHEMA_FILE}"
    assert (project / "clients" / SCHEMA_FILE).read_text() == schema_text()
    assert validate_client(load_client_file(project / "clients" / "ada-example.yaml"))


def test_quiet_verbose_and_no_color(project, write_client, tmp_path):
    write_client(MINIMAL_CLIENT)
    site = str(tmp_path / "site")
    quiet = run(project, "build", "--quiet", "--site-dir", site)
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""
    also_quiet = run(project, "--quiet", "check")
    assert also_quiet.stdout == ""
    verbose = run(project, "build", "-v", "--site-dir", site)
    assert "clients/ada-example.yaml -> " in verbose.stderr and "index.html" in verbose.stderr
    normal = run(project, "build", "--site-dir", site)
    assert "clients/ada-example.yaml -> " not in normal.stderr
    assert "Built 0, failed 0, skipped 1 as unchanged, in" in normal.stderr  # nothing changed
    forced = run(project, "build", "--force", "--site-dir", site)
    assert "Built 1, failed 0, skipped 0 as unchanged, in" in forced.stderr
    # NO_COLOR is set by run(); errors come without escape codes.
    write_client(own_token(MINIMAL_CLIENT, "bad") + "    satisfaction: 99\n", "bad")
    failed = run(project, "build", "--site-dir", site)
    assert "\x1b[" not in failed.stderr and "99 is not between 1 and 10" in failed.stderr
    assert "Built 0, failed 1, skipped 1 as unchanged, in" in failed.stderr


def run_on_terminal(project, *args: str, no_color: bool) -> str:
    """Run coach-site with a real pseudo-terminal as its output, as a coach's terminal is."""
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(project), "TERM": "xterm"}
    if no_color:
        env["NO_COLOR"] = "1"
    process = subprocess.Popen([sys.executable, "-m", "coach_site", *args], cwd=project, env=env,
                               stdout=follower, stderr=follower, stdin=subprocess.DEVNULL)
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    process.wait()
    os.close(leader)
    return output.decode("utf-8", "replace")


def test_on_a_terminal_build_shows_progress_and_colours_unless_no_color(project, write_client, tmp_path):
    write_client(MINIMAL_CLIENT)
    write_client(own_token(MINIMAL_CLIENT.replace("Ada Example", "Bo Example"), "bo"), "bo")
    write_client(own_token(MINIMAL_CLIENT, "bad") + "    satisfaction: 99\n", "bad")
    site = str(tmp_path / "site")
    coloured = run_on_terminal(project, "build", "--site-dir", site, no_color=False)
    assert "Building workbooks" in coloured and "3/3" in coloured
    assert "\x1b[31m" in coloured  # the error, in red
    plain = run_on_terminal(project, "build", "--site-dir", site, no_color=True)
    assert "Building workbooks" in plain and "99 is not between 1 and 10" in plain
    assert "\x1b[31m" not in plain and "\x1b[2m" not in plain


@pytest.mark.parametrize("address, to", [
    ("maya@exämple.org", "Maya Lindqvist <maya@xn--exmple-cua.org>"),
    ("josé@exämple.org", "Maya Lindqvist <josé@xn--exmple-cua.org>"),
])
def test_email_eml_to_an_address_with_non_ascii_letters_works(project, tmp_path, address, to):
    client = project / copy_example(project)
    client.write_text(client.read_text().replace("maya.lindqvist@example.org", address))
    eml = tmp_path / "homework.eml"
    result = run(project, "email", str(client.relative_to(project)), "--eml", str(eml), "--yes")
    assert result.returncode == 0, result.stderr
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert message["To"] == to and message["X-Unsent"] == "1"
    # As written, not only as Python reads it back: an encoded word (=?utf-8?...) inside the
    # address is not an address to a mail client.
    assert ("<" + to.split("<")[1]).encode() in eml.read_bytes()
    assert "Hi Maya," in message.get_body(("plain",)).get_content()


def test_email_eml_to_an_address_mail_cannot_carry_is_a_clear_error(project, tmp_path):
    client = project / copy_example(project)
    domain = "ä" * 64 + ".org"  # a plausible address, but no part of a domain name may be that long
    client.write_text(client.read_text().replace("maya.lindqvist@example.org", f"maya@{domain}"))
    eml = tmp_path / "homework.eml"
    result = run(project, "email", str(client.relative_to(project)), "--eml", str(eml), "--yes")
    assert result.returncode == 1 and "internal error" not in result.stderr and "Traceback" not in result.stderr
    assert (f"clients/maya-lindqvist.yaml: client.email: 'maya@{domain}' cannot be written into the email: "
            f"'{domain}' after the @ is not a domain name a mail can go to.") in result.stderr
    assert not eml.exists()


def test_email_refuses_an_address_with_an_escape_sequence_and_writes_no_draft(project, tmp_path):
    client = project / copy_example(project)
    client.write_text(client.read_text().replace("maya.lindqvist@example.org", '"maya@example.org\\e[1m"'))
    eml = tmp_path / "homework.eml"
    result = run(project, "email", str(client.relative_to(project)), "--eml", str(eml), "--yes")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert ("client.email: 'maya@example.org\\x1b[1m' is not an email address: it holds \\x1b, a character no "
            "address has (did you mean `maya@example.org`?)") in result.stderr
    assert not eml.exists()


# --- never a half-filled email -------------------------------------------------------------

def test_email_refuses_a_client_still_holding_the_names_new_wrote(project, tmp_path):
    assert run(project, "new", "Priya Natarajan").returncode == 0
    client = project / "clients" / "priya-natarajan.yaml"
    eml = tmp_path / "priya.eml"
    result = run(project, "email", "clients/priya-natarajan.yaml", "--eml", str(eml))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    area_line = next(i for i, line in enumerate(client.read_text().splitlines(), 1) if "First focus area" in line)
    assert f'clients/priya-natarajan.yaml:{area_line}: focus area 1 (First focus area), name: "First focus area" ' \
           "is still the name `coach-site new` wrote: give the area its own name, or delete the area" in result.stderr
    assert '"First value" is still the name' in result.stderr and "No email was written" in result.stderr
    assert result.stdout == "" and not eml.exists()  # never "Review your primary focus areas: First focus area"
    client.write_text(client.read_text().replace("First focus area", "Health").replace("First value", "Courage"))
    mailed = run(project, "email", "clients/priya-natarajan.yaml")
    assert mailed.returncode == 0 and "Review your primary focus areas: Health" in mailed.stdout


def _due(write_client, days_from_today: int):
    import datetime as dt

    due = dt.date.today() + dt.timedelta(days=days_from_today)
    write_client(MINIMAL_CLIENT + f"homework:\n  due: {due.isoformat()}\n")
    return due


def test_email_with_a_due_date_already_past_is_refused_off_a_terminal_unless_yes(project, write_client, tmp_path):
    due = _due(write_client, -4)
    eml = tmp_path / "ada.eml"
    refused = run(project, "email", "clients/ada-example.yaml", "--eml", str(eml))
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert refused.stderr.startswith(f"clients/ada-example.yaml:8: homework.due: {due.isoformat()} passed 4 days "
                                     "ago: the email asks for the homework by that day\nNo email was written: change "
                                     "homework.due to the day you agreed, or add --yes to write it as it is.")
    assert refused.stdout == "" and not eml.exists()
    written = run(project, "email", "clients/ada-example.yaml", "--eml", str(eml), "--yes")
    assert written.returncode == 0 and eml.exists() and written.stdout.startswith("Subject: ")
    assert f"homework.due: {due.isoformat()} passed 4 days ago" in written.stderr  # said, not asked


def test_email_with_a_due_date_already_past_asks_on_a_terminal(project, write_client):
    from test_practice import run_on_a_terminal

    _due(write_client, -1)
    code, output = run_on_a_terminal(project, ["n"], "email", "clients/ada-example.yaml")
    assert code == 1 and "passed yesterday" in output and "Write the email with this due date as it is?" in output
    assert "Subject:" not in output and "No email was written: change homework.due" in output
    code, output = run_on_a_terminal(project, ["y"], "email", "clients/ada-example.yaml")
    assert code == 0 and "Subject: " in output


@pytest.mark.parametrize("days", [0, 3])
def test_email_with_a_due_date_to_come_asks_nothing(project, write_client, days):
    _due(write_client, days)
    result = run(project, "email", "clients/ada-example.yaml")
    assert result.returncode == 0 and "passed" not in result.stderr and result.stdout.startswith("Subject: ")
