"""A keyring backend that keeps passwords in one JSON file: a real backend of `keyring`'s
(loaded by PYTHON_KEYRING_BACKEND, as a coach's Keychain or Secret Service would be), for the
inbox tests on machines without a desktop keychain."""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class FileKeyring(KeyringBackend):
    priority = 1

    @property
    def path(self) -> Path:
        return Path(os.environ["COACH_SITE_TEST_KEYRING"])

    def _all(self) -> dict:
        return json.loads(self.path.read_text(encoding="utf-8")) if self.path.exists() else {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._all().get(f"{service}\n{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        kept = self._all()
        kept[f"{service}\n{username}"] = password
        self.path.write_text(json.dumps(kept), encoding="utf-8")

    def delete_password(self, service: str, username: str) -> None:
        kept = self._all()
        if kept.pop(f"{service}\n{username}", None) is None:
            raise PasswordDeleteError(username)
        self.path.write_text(json.dumps(kept), encoding="utf-8")
