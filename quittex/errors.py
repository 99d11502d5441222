"""The exception family of quittex.

The core raises these and never imports the CLI framework; the CLI turns each
into one clear message and the exit code its class carries.
"""

from __future__ import annotations

from enum import IntEnum

from quittex.i18n import _


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1
    BAD_INPUT = 2
    AUTH = 3
    PARTIAL = 4
    RATE_LIMITED = 5
    INTERRUPTED = 130


class QuittexError(Exception):
    """Base of every error quittex reports to a user as one message."""

    exit_code: ExitCode = ExitCode.ERROR

    # `message` and `hint` are in the language of the run: the code raising the
    # error translates them (`_("…")`), so `str(error)` is what the user reads.
    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class BadInputError(QuittexError):
    """Something the user gave us (a file, an option, a config) is unusable."""

    exit_code = ExitCode.BAD_INPUT


class ArchiveError(BadInputError):
    """The archive is missing, corrupt, foreign or unsafe."""


class NotAnXArchiveError(ArchiveError):
    """The file is a readable zip or folder, but not an X data archive."""


class UnsafeArchiveError(ArchiveError):
    """The archive tries to escape its folder or inflates to an absurd size."""


class ConfigError(BadInputError):
    """The project file or an option value does not validate."""


class AuthError(QuittexError):
    """A platform refused our credentials, or none are set up."""

    exit_code = ExitCode.AUTH


class RateLimitedError(QuittexError):
    """A platform keeps refusing us for rate limits beyond what we may wait."""

    exit_code = ExitCode.RATE_LIMITED


class PartialError(QuittexError):
    """The run finished, but some posts failed; a later run can resume."""

    exit_code = ExitCode.PARTIAL


class PlatformError(QuittexError):
    """A platform answered with an error we cannot recover from."""


class UnreachableError(PlatformError):
    """A server did not answer at all (no route, no DNS, refused, timed out).
    `detail` is the transport's own words, shown only with --debug."""

    def __init__(self, server: str, detail: str = "") -> None:
        from urllib.parse import urlsplit

        host = urlsplit(server).hostname if "://" in server else server
        super().__init__(
            _("quittex cannot reach {server}: check your internet connection.").format(server=host or server),
            hint=_("If your connection works, check the server's address, or try again later: it may be down."),
        )
        self.detail = detail
