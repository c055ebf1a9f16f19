"""The mailbox password for `coach-site inbox`: never written to the practice, the record,
the terminal or git.

Looked for in order: COACH_SITE_IMAP_PASSWORD, the system's keychain (macOS Keychain, Windows
Credential Locker, the Secret Service on Linux, through `keyring`, filed under "coach-site"
and `user@host`), then asked for on the terminal without echo. `--save-password` files a
password that worked in the keychain, so the next run asks nothing.
"""

from __future__ import annotations

import os
import sys

import click

from coach_site.errors import CoachSiteError

ENVIRONMENT = "COACH_SITE_IMAP_PASSWORD"
KEYRING_SERVICE = "coach-site"


class Passwords:
    """Where the password came from, for whether it may be saved once it has worked."""

    def __init__(self) -> None:
        self.asked: dict[str, str] = {}  # account -> a password typed at the prompt

    def __call__(self, user: str, host: str) -> str:
        if os.environ.get(ENVIRONMENT):
            return os.environ[ENVIRONMENT]
        account = f"{user}@{host}"
        kept = _from_keychain(account)
        if kept:
            return kept
        if not sys.stdin.isatty():
            raise CoachSiteError(
                f"no password for {account}: set {ENVIRONMENT}, or run coach-site inbox once in a terminal with "
                "--save-password to keep it in your system's keychain")
        typed = click.prompt(f"Password for {account} (an app password at most providers)", hide_input=True,
                             err=True)
        self.asked[account] = typed
        return typed

    def save_typed(self) -> list[str]:
        """Keep each password typed here (and accepted by the server) in the keychain; the accounts kept."""
        import keyring
        from keyring.errors import KeyringError

        kept = []
        for account, password in self.asked.items():
            try:
                keyring.set_password(KEYRING_SERVICE, account, password)
                kept.append(account)
            except (KeyringError, RuntimeError) as exc:
                raise CoachSiteError(f"the password for {account} could not be kept in the keychain: {exc}") from None
        return kept


def _from_keychain(account: str) -> str | None:
    try:
        import keyring
        from keyring.errors import KeyringError

        return keyring.get_password(KEYRING_SERVICE, account)
    except (ImportError, KeyringError, RuntimeError):
        return None  # no keychain on this machine (a server without a desktop): asked instead
