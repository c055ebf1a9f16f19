"""Reflections from the coach's mailbox: where mail is read from, and the record of what was read."""
