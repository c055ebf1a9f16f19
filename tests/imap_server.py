"""A real IMAP server for the inbox tests: Debian's dovecot on 127.0.0.1, a throw-away
configuration, one user, IMAP over TLS with a throw-away certificate (and plain IMAP, for
the one use coach-site allows it: a server on this computer).

dovecot never lets a mail process run as root: started by root, the mail is kept by
`nobody`; started by anyone else, everything runs as that user.
"""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

DOVECOT = "/usr/sbin/dovecot"
USER, PASSWORD = "coach", "throw-away-Secret-7"


@dataclass
class ImapServer:
    folder: Path
    imaps_port: int
    imap_port: int
    certificate: Path

    def client(self) -> imaplib.IMAP4_SSL:
        context = ssl.create_default_context(cafile=str(self.certificate))
        client = imaplib.IMAP4_SSL("127.0.0.1", self.imaps_port, ssl_context=context)
        client.login(USER, PASSWORD)
        return client

    def deliver(self, *mails: bytes, folder: str = "INBOX") -> None:
        client = self.client()
        try:
            for mail in mails:
                typ, _ = client.append(folder, None, None, mail)
                assert typ == "OK"
        finally:
            client.logout()

    def flags(self, folder: str = "INBOX") -> dict[str, str]:
        """Message-ID -> the mail's flags, for every mail in the folder (read without changing it)."""
        client = self.client()
        try:
            client.select(folder, readonly=True)
            typ, data = client.fetch("1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
            found = {}
            for item in data:
                if isinstance(item, tuple):
                    flags = item[0].decode()
                    message_id = item[1].decode().split(":", 1)[1].strip()
                    found[message_id] = flags[flags.index("FLAGS (") + 7: flags.index(")", flags.index("FLAGS ("))]
            return found
        finally:
            client.logout()

    def clear(self, folder: str = "INBOX") -> None:
        client = self.client()
        try:
            typ, count = client.select(folder)
            if int(count[0]):
                client.store("1:*", "+FLAGS", "\\Deleted")
                client.expunge()
        finally:
            client.logout()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_imap_server() -> tuple[ImapServer, callable]:
    """Start dovecot; returns the server and a function that stops it and removes its files."""
    if not Path(DOVECOT).exists():
        raise RuntimeError(f"{DOVECOT} is missing: run `make test`, which installs Debian's dovecot-imapd")
    folder = Path(tempfile.mkdtemp(prefix="coach-site-imap-"))
    os.chmod(folder, 0o755)  # the mail processes run as another user when started by root
    certificate, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(certificate), "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"], check=True, capture_output=True)
    (folder / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n", encoding="utf-8")
    home = folder / "home"
    home.mkdir()
    if os.geteuid() == 0:
        mail_uid = mail_gid = pwd.getpwnam("nobody").pw_uid
        mail_gid = pwd.getpwnam("nobody").pw_gid
        os.chown(home, mail_uid, mail_gid)
        users = "default_login_user = dovenull\ndefault_internal_user = dovecot\ndefault_internal_group = dovecot\n"
    else:
        mail_uid, mail_gid = os.getuid(), os.getgid()
        me = pwd.getpwuid(mail_uid).pw_name
        users = f"default_login_user = {me}\ndefault_internal_user = {me}\ndefault_internal_group = {me}\n"
    imaps_port, imap_port = _free_port(), _free_port()
    (folder / "run").mkdir()
    (folder / "state").mkdir()
    config = folder / "dovecot.conf"
    config.write_text(f"""\
protocols = imap
listen = 127.0.0.1
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/log
instance_name = coach-site-test-{imaps_port}
{users}first_valid_uid = {mail_uid}
last_valid_uid = 0
first_valid_gid = {mail_gid}
ssl = yes
ssl_cert = <{certificate}
ssl_key = <{key}
disable_plaintext_auth = no
auth_mechanisms = plain
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {folder}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_uid} gid={mail_gid} home={home}/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
    ssl = yes
  }}
}}
""", encoding="utf-8")
    # dovecot goes to the background: its output to a file, or the pipe would stay open with it.
    with open(folder / "start.log", "wb") as log:
        subprocess.run([DOVECOT, "-c", str(config)], check=True, stdout=log, stderr=log)
    server = ImapServer(folder, imaps_port, imap_port, certificate)
    deadline = time.monotonic() + 15
    while True:
        try:
            server.client().logout()
            break
        except (OSError, imaplib.IMAP4.error):
            if time.monotonic() > deadline:
                raise RuntimeError((folder / "log").read_text(errors="replace")) from None
            time.sleep(0.1)

    def stop() -> None:
        subprocess.run(["doveadm", "-c", str(config), "stop"] if shutil.which("doveadm") else
                       ["kill", (folder / "run" / "master.pid").read_text().strip()],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(folder, ignore_errors=True)

    return server, stop
