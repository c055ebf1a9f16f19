"""Who wrote an answer in a client file: the coach, or the coachee through import-reflections.

The coach's words are the coach's: a coachee's different answer to the same question is a
conflict, left for the coach. An answer the coachee wrote and an import brought in is
theirs: their next version of it replaces it, and git keeps the earlier one.

The record is the file's `from_coachee:`, one line per answer they wrote: where it is
(`focus_areas/Career/outcome`), and a fingerprint of their words. It survives any hand
edit: an answer whose text still matches its fingerprint is the coachee's, wherever it
moved and however it is quoted; one the coach changed no longer matches, and is the
coach's. Deleting the record only makes every answer the coach's again.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Mapping

FIELD = "from_coachee"
_FINGERPRINT_CHARS = 12


def answer_key(*where: str) -> str:
    """Where an answer is, as the record names it: `focus_areas/Career/outcome`."""
    return "/".join(where)


def fingerprint(text: str) -> str:
    """A short fingerprint of the words (one text composed or decomposed is one text)."""
    return hashlib.sha256(unicodedata.normalize("NFC", text).encode("utf-8")).hexdigest()[:_FINGERPRINT_CHARS]


def is_coachees(record: Mapping[str, str], key: str, text: str | None) -> bool:
    """Whether the answer at `key` is still the coachee's own words."""
    return text is not None and record.get(key) == fingerprint(text)
