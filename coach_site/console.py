"""What the CLI prints, and how loudly: --quiet, --verbose, and no colours under NO_COLOR."""

from __future__ import annotations

import os
from dataclasses import dataclass

import click


@dataclass
class Console:
    quiet: bool = False
    verbose: bool = False

    @property
    def color(self) -> bool | None:
        """False under NO_COLOR (https://no-color.org); otherwise click decides by the terminal."""
        return False if os.environ.get("NO_COLOR") else None

    def say(self, message: str, **style) -> None:
        """Normal output (links, results); silent with --quiet."""
        if not self.quiet:
            click.secho(message, color=self.color, **style)

    def detail(self, message: str) -> None:
        """Extra output for --verbose."""
        if self.verbose and not self.quiet:
            click.secho(message, color=self.color, dim=True, err=True)

    def warn(self, message: str) -> None:
        if not self.quiet:
            click.secho(message, color=self.color, fg="yellow", err=True)

    def error(self, message: str) -> None:
        """Errors are always shown, whatever --quiet says."""
        click.secho(message, color=self.color, fg="red", err=True)
