"""The rewriting settings every platform has (a pydantic model each platform extends)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from quittex.vocabulary import check_template


class PlatformOptions(BaseModel):
    """The rewriting settings every platform has; each platform adds its own."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    date_note: bool = Field(True, description="Write the original date in the first post of each tweet.")
    date_note_template: str | None = Field(None, description="Overrides the global template here.")
    # Whether the date note may turn a tweet that fits in one post into two.
    date_note_can_split: bool = True

    @field_validator("date_note_template")
    @classmethod
    def _template(cls, value: str | None) -> str | None:
        return None if value is None else check_template(value)

    @property
    def length_limit(self) -> int:
        """The longest post, as the platform counts it."""
        raise NotImplementedError
