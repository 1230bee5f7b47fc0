"""The error vocabulary: one base exception, a few subclasses, one exit code each.

The CLI's single handler prints ``maxmap: error: <message>`` and returns ``exit_code``.
"""

from __future__ import annotations


class MaxmapError(Exception):
    """Base of every error maxmap reports to a user; exit code 2 (bad input or environment)."""

    exit_code = 2


class InputError(MaxmapError):
    """A value the user gave is malformed, out of range or unknown."""


class EnvironmentProblem(MaxmapError):
    """The environment failed us: AWS, the filesystem, a missing tool."""


class DataFileMissing(MaxmapError):
    """A packaged data file (schema, template, table) could not be found."""


class InvalidDocument(MaxmapError):
    """A rendered or supplied document failed validation; exit code 1.

    ``errors`` holds one ``(location, message)`` pair per problem.
    """

    exit_code = 1

    def __init__(self, what: str, errors: list[tuple[str, str]]) -> None:
        self.what = what
        self.errors = errors
        first = f"{errors[0][0]}: {errors[0][1]}" if errors else "invalid"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(f"{what} is invalid: {first}{more}")


class CheckFailed(MaxmapError):
    """A check found a difference (drift, short host); exit code 1."""

    exit_code = 1
