"""How the CLI reports errors: one line on stderr, exit status 2, never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

import click

from archiver.exceptions import ArchiverError

P = ParamSpec("P")
R = TypeVar("R")


class CliError(click.ClickException):
    """A one-line error for the user; exit status 2 like a usage error."""

    exit_code = 2


def translate_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn the core's ``ArchiverError`` into a one-line ``CliError``."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except ArchiverError as e:
            raise CliError(str(e)) from e

    return wrapper
