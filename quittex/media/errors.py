"""The one error the media pipeline raises for a file it cannot use."""

from __future__ import annotations

from typing import Literal

from quittex.errors import BadInputError

MediaProblem = Literal[
    "empty",  # a zero-byte file
    "missing",  # the path does not exist or cannot be read
    "not_an_image",  # the bytes are something else (a PDF, a video, HTML...)
    "not_a_video",  # the bytes are not an MP4/QuickTime video
    "unsupported",  # a real image or video in a format we cannot publish
    "animated",  # an animated GIF/WebP/PNG offered as a photo
    "corrupt",  # truncated or undecodable
    "too_large",  # beyond our safety limits (decompression bomb, absurd size)
    "cannot_fit",  # no re-encoding brings it within the platform's limits
]


class MediaError(BadInputError):
    """One media file cannot be used.

    The publisher turns it into a warning on that tweet and publishes the rest
    (for a video, a link to the original tweet). `problem` says why in a form
    code can branch on; `name` is the file's path in the archive when known.
    """

    def __init__(
        self,
        message: str,
        *,
        problem: MediaProblem,
        name: str | None = None,
        hint: str | None = None,
    ) -> None:
        full = f"{name}: {message}" if name else message
        super().__init__(full, hint=hint)
        self.problem: MediaProblem = problem
        self.name = name
        self.detail = message

    # Worker processes send these back to the parent: pickle must rebuild the
    # keyword-only arguments, which the default Exception pickling loses.
    def __reduce__(self):
        return (_rebuild, (self.detail, self.problem, self.name, self.hint))


def _rebuild(detail: str, problem: MediaProblem, name: str | None, hint: str | None) -> MediaError:
    return MediaError(detail, problem=problem, name=name, hint=hint)
