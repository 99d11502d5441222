"""Command-line values → the core's option models, with one clear message each."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from quittex.errors import BadInputError
from quittex.i18n import _
from quittex.migrate.select import SelectOptions, parse_day, parse_langs, read_id_list
from quittex.platforms import parse_platforms
from quittex.rewrite.options import RewriteOptions
from quittex.vocabulary import MENTION_MODES


def platforms(value: str) -> list[str]:
    return parse_platforms(value, option="--to")


def select_options(
    since, until, include_replies, include_retweets, min_likes, top, lang, exclude_sensitive, only, skip, review=None
) -> SelectOptions:
    """`review`: the --review files (merged in order), or None."""
    from quittex.migrate.review import read_reviews

    first, last = parse_day(since, "--since"), parse_day(until, "--until")
    if first and last and first > last:
        raise BadInputError(_("--since {since} is after --until {until}.").format(since=since, until=until))
    return SelectOptions(
        review=read_reviews(review) if review else None,
        since=first,
        until=last,
        include_replies=include_replies,
        include_retweets=include_retweets,
        min_likes=min_likes,
        top=top,
        langs=parse_langs(lang),
        exclude_sensitive=exclude_sensitive,
        only=read_id_list(only) if only else frozenset(),
        skip=read_id_list(skip) if skip else frozenset(),
    )


def rewrite_options(
    *,
    mentions: str | None,
    handle_map: Path | None,
    locale: str | None,
    date_note: str | None,
    no_date_note: bool,
    no_bluesky_date_note: bool,
    no_mastodon_date_note: bool,
    timezone: str | None,
    mark_sensitive: bool,
    visibility: str | None,
    max_characters: int | None,
    alt_text: Path | None,
    quote_policy: str | None = None,
    reply_context: bool = True,
    pace: str | None = None,
    link_cards: bool = True,
    bluesky_replies: str | None = None,
    bluesky_quotes: bool = True,
) -> RewriteOptions:
    from quittex.alttext import load_alt_text_csv
    from quittex.rewrite.handle_map import load_handle_map

    check_mentions(mentions)
    mastodon: dict = {"date_note": not no_mastodon_date_note}
    if visibility:
        mastodon["visibility"] = visibility
    if max_characters:
        mastodon["max_characters"] = max_characters
    if quote_policy is not None:
        from quittex.platforms.mastodon import QUOTE_POLICIES

        if quote_policy not in QUOTE_POLICIES:
            raise BadInputError(
                _("--quote-policy takes {choices} (got {value}).").format(
                    choices=", ".join(QUOTE_POLICIES), value=repr(quote_policy)
                )
            )
        mastodon["quote_approval_policy"] = quote_policy
    values = {
        "mentions": mentions,
        "handle_map": load_handle_map(handle_map) if handle_map else {},
        "locale": locale,
        "date_note": not no_date_note,
        "date_note_template": date_note,
        "timezone": timezone,
        "mark_sensitive": mark_sensitive,
        "alt_texts": load_alt_text_csv(alt_text) if alt_text else {},
        "mastodon": mastodon,
        "bluesky": {
            "date_note": not no_bluesky_date_note,
            **_bluesky_publishing(pace, bluesky_replies, bluesky_quotes),
            "link_cards": link_cards,
        },
        "reply_context": reply_context,
    }
    # What no layer gives is left to the model's own default.
    return validated(RewriteOptions, {key: value for key, value in values.items() if value is not None})


def _bluesky_publishing(pace: str | None, replies: str | None, quotes: bool) -> dict:
    from quittex.platforms.bluesky import REPLY_GATES

    settings: dict = {"quotes_allowed": quotes}
    if pace is not None:
        if pace not in ("full", "gentle"):
            raise BadInputError(_("--pace takes full or gentle (got {value}).").format(value=repr(pace)))
        settings["pace"] = pace
    if replies is not None and replies != "everyone":
        if replies not in REPLY_GATES:
            raise BadInputError(
                _("--bluesky-replies takes everyone, {choices} (got {value}).").format(
                    choices=", ".join(REPLY_GATES), value=repr(replies)
                )
            )
        settings["reply_gate"] = replies
    return settings


def check_mentions(mentions: str | None) -> None:
    if mentions is not None and mentions not in MENTION_MODES:
        raise BadInputError(
            _("--mentions takes {choices} or {last}, not {value}.").format(
                choices=", ".join(MENTION_MODES[:-1]), last=MENTION_MODES[-1], value=repr(mentions)
            )
        )


_OPTION_NAMES = {
    "locale": "--locale",
    "date_note_template": "--date-note",
    "timezone": "--timezone",
    "mastodon.visibility": "--visibility",
    "mastodon.max_characters": "--max-characters",
}


def validated(model, values: dict):
    try:
        return model.model_validate(values)
    except ValidationError as error:
        lines = []
        for problem in error.errors():
            where = ".".join(str(part) for part in problem["loc"])
            lines.append(f"{_OPTION_NAMES.get(where, where)}: {problem['msg']}")
        raise BadInputError("; ".join(lines)) from None
