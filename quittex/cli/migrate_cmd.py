"""`quittex migrate`: select, rewrite and (with --dry-run) preview the migration."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Annotated

import typer

from quittex.cli import console, process
from quittex.cli.console import shown
from quittex.cli.inspect_cmd import ArchiveArg
from quittex.cli.progress import FETCHING_CARDS, READING, REWRITING, archive_progress, next_stage
from quittex.errors import BadInputError
from quittex.i18n import _, format_number, ngettext
from quittex.platforms import PLATFORMS

PUBLISH = "Publishing"
SELECT = "Selection"
REWRITE = "Rewriting"
OUTPUT = "Output"


def migrate(
    archive: ArchiveArg,
    to: Annotated[
        str | None,
        typer.Option(
            "--to", help="Platforms, comma-separated: mastodon, bluesky (default: both).", rich_help_panel=OUTPUT
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be posted; publish nothing.", rich_help_panel=OUTPUT)
    ] = False,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json", help="With --dry-run: one JSON object per post (JSON Lines) on stdout.", rich_help_panel=OUTPUT
        ),
    ] = False,
    preview: Annotated[
        Path | None,
        typer.Option(
            "--preview",
            help="Write a self-contained HTML page showing every post beside its tweet.",
            rich_help_panel=OUTPUT,
            dir_okay=False,
        ),
    ] = None,
    show: Annotated[
        int,
        typer.Option(
            "--show", help="How many posts per platform the terminal preview lists.", rich_help_panel=OUTPUT, min=0
        ),
    ] = 100,
    since: Annotated[
        str | None, typer.Option("--since", help="Only tweets from this day on (YYYY-MM-DD).", rich_help_panel=SELECT)
    ] = None,
    until: Annotated[
        str | None,
        typer.Option("--until", help="Only tweets up to this day, included (YYYY-MM-DD).", rich_help_panel=SELECT),
    ] = None,
    include_replies: Annotated[
        bool | None,
        typer.Option(
            "--include-replies/--no-include-replies",
            help="Also replies to other people (--no-… overrides the project file).",
            rich_help_panel=SELECT,
            show_default=False,
        ),
    ] = None,
    include_retweets: Annotated[
        bool | None,
        typer.Option(
            "--include-retweets/--no-include-retweets",
            help="Also retweets, as a '🔁 link' post (--no-… overrides the project file).",
            rich_help_panel=SELECT,
            show_default=False,
        ),
    ] = None,
    min_likes: Annotated[
        int,
        typer.Option(
            "--min-likes", help="Only threads with a tweet liked at least this often.", rich_help_panel=SELECT, min=0
        ),
    ] = 0,
    top: Annotated[
        int | None,
        typer.Option(
            "--top", help="Only the N most-liked tweets, each with its whole thread.", rich_help_panel=SELECT, min=1
        ),
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="Only tweets in these languages (e.g. fr,en).", rich_help_panel=SELECT)
    ] = None,
    exclude_sensitive: Annotated[
        bool,
        typer.Option("--exclude-sensitive", help="Leave out tweets X marked as sensitive.", rich_help_panel=SELECT),
    ] = False,
    only: Annotated[
        Path | None,
        typer.Option(
            "--only",
            help="Only these tweets: a file of ids or URLs, one a line.",
            rich_help_panel=SELECT,
            dir_okay=False,
        ),
    ] = None,
    skip: Annotated[
        Path | None,
        typer.Option(
            "--skip",
            help="Never these tweets: a file of ids or URLs, one a line.",
            rich_help_panel=SELECT,
            dir_okay=False,
        ),
    ] = None,
    review: Annotated[
        list[Path] | None,
        typer.Option(
            "--review",
            help="The choices saved from the review page (quittex-review.json): tweets left out, texts edited, "
            "alt texts. Give it several times to merge reviews (the later one wins).",
            rich_help_panel=SELECT,
            dir_okay=False,
        ),
    ] = None,
    mentions: Annotated[
        str | None,
        typer.Option(
            "--mentions",
            help="X @mentions: plain (readable, never notifies anyone; the default), link (to the X profile) or drop.",
            rich_help_panel=REWRITE,
        ),
    ] = None,
    handle_map: Annotated[
        Path | None,
        typer.Option(
            "--handle-map",
            help="CSV x_handle,mastodon,bluesky: people to mention for real.",
            rich_help_panel=REWRITE,
            dir_okay=False,
        ),
    ] = None,
    locale: Annotated[
        str | None,
        typer.Option(
            "--locale",
            help="Language of the date note: fr, en, es, it, de (default: each tweet's own).",
            rich_help_panel=REWRITE,
        ),
    ] = None,
    date_note: Annotated[
        str | None,
        typer.Option("--date-note", help="Date note template, with {date}, {time} and {url}.", rich_help_panel=REWRITE),
    ] = None,
    no_date_note: Annotated[
        bool, typer.Option("--no-date-note", help="No date note on any platform.", rich_help_panel=REWRITE)
    ] = False,
    no_bluesky_date_note: Annotated[
        bool,
        typer.Option(
            "--no-bluesky-date-note",
            help="No date note on Bluesky (createdAt still carries the date).",
            rich_help_panel=REWRITE,
        ),
    ] = False,
    no_mastodon_date_note: Annotated[
        bool, typer.Option("--no-mastodon-date-note", help="No date note on Mastodon.", rich_help_panel=REWRITE)
    ] = False,
    timezone: Annotated[
        str | None,
        typer.Option(
            "--timezone",
            help="Time zone the date note is written in (e.g. Europe/Paris; default UTC).",
            rich_help_panel=REWRITE,
        ),
    ] = None,
    no_sensitive_marks: Annotated[
        bool,
        typer.Option(
            "--no-sensitive-marks",
            help="Do not turn X's 'sensitive' flag into a content warning / label.",
            rich_help_panel=REWRITE,
        ),
    ] = False,
    visibility: Annotated[
        str | None,
        typer.Option(
            "--visibility",
            help="Mastodon visibility: public, unlisted (the default), private.",
            rich_help_panel=REWRITE,
        ),
    ] = None,
    quote_policy: Annotated[
        str | None,
        typer.Option(
            "--quote-policy",
            help="Mastodon 4.5+: who may quote the migrated posts: public, followers or nobody "
            "(default: your account's setting).",
            rich_help_panel=REWRITE,
        ),
    ] = None,
    link_cards: Annotated[
        bool | None,
        typer.Option(
            "--link-cards/--no-link-cards",
            help="Bluesky: a post with a link shows a card of the page, fetched when it is published (the default). "
            "With --dry-run, --link-cards fetches the cards now to show them.",
            rich_help_panel=PUBLISH,
            show_default=False,
        ),
    ] = None,
    pace: Annotated[
        str | None,
        typer.Option(
            "--pace",
            help="Bluesky: full (the PDS's limits, the default) or gentle (batches of 50 posts, 15 minutes apart: "
            "kinder to a new account's standing).",
            rich_help_panel=PUBLISH,
        ),
    ] = None,
    bluesky_replies: Annotated[
        str | None,
        typer.Option(
            "--bluesky-replies",
            help="Who may reply to the migrated posts on Bluesky: everyone (the default), followers, following, "
            "mentioned or nobody.",
            rich_help_panel=PUBLISH,
        ),
    ] = None,
    bluesky_no_quotes: Annotated[
        bool,
        typer.Option(
            "--bluesky-no-quotes", help="Nobody may quote the migrated posts on Bluesky.", rich_help_panel=PUBLISH
        ),
    ] = False,
    no_reply_context: Annotated[
        bool,
        typer.Option(
            "--no-reply-context",
            help="Replies to others do not say whom they answered (by default a line links to that tweet on X).",
            rich_help_panel=REWRITE,
        ),
    ] = False,
    max_characters: Annotated[
        int | None,
        typer.Option(
            "--max-characters",
            help="Mastodon post limit for a dry run (publishing reads the instance's own).",
            rich_help_panel=REWRITE,
            min=50,
        ),
    ] = None,
    alt_text: Annotated[
        Path | None,
        typer.Option(
            "--alt-text",
            help="CSV of alt texts filled in from 'quittex alt-text export'.",
            rich_help_panel=REWRITE,
            dir_okay=False,
        ),
    ] = None,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Publish without asking for confirmation.", rich_help_panel=PUBLISH)
    ] = False,
    max_posts: Annotated[
        int | None,
        typer.Option(
            "--max-posts",
            help="Create at most N posts per platform in this run (then run again).",
            rich_help_panel=PUBLISH,
            min=1,
        ),
    ] = None,
    stop_after: Annotated[
        str | None,
        typer.Option(
            "--stop-after", help="Stop cleanly after this long (e.g. 90m, 2h, 1d): for cron.", rich_help_panel=PUBLISH
        ),
    ] = None,
    bluesky_account: Annotated[
        str | None,
        typer.Option(
            "--bluesky-account", help="Which logged-in Bluesky account, when several.", rich_help_panel=PUBLISH
        ),
    ] = None,
    mastodon_account: Annotated[
        str | None,
        typer.Option(
            "--mastodon-account",
            help="Which logged-in Mastodon account (user@instance), when several.",
            rich_help_panel=PUBLISH,
        ),
    ] = None,
    state_dir: Annotated[
        Path | None,
        typer.Option(
            "--state-dir",
            help="Where the journals are kept (default: quittex's home).",
            rich_help_panel=PUBLISH,
            file_okay=False,
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help="Project file with \\[migrate] defaults (default: ./quittex.toml if present).",
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Republish your tweets to Mastodon and Bluesky. Start with --dry-run."""
    from quittex.archive import load_archive
    from quittex.cli import migrate_options as build
    from quittex.config import load_config
    from quittex.migrate.plan import plan_migration

    if to is not None:  # the options' own messages first, before the layers mix
        build.platforms(to)
    build.check_mentions(mentions)
    # The project file, then QUITTEX_MIGRATE_* variables, then these options.
    given = {
        "to": to, "locale": locale, "timezone": timezone, "mentions": mentions, "visibility": visibility,
        "date_note": False if no_date_note else None, "date_note_template": date_note,
        "handle_map": _absolute(handle_map), "alt_text": _absolute(alt_text),
        "include_replies": include_replies, "include_retweets": include_retweets,
    }  # fmt: skip
    project = load_config(config).merged({"migrate": given}, options=_OPTIONS)
    defaults, source = project.migrate, project.source
    platforms = build.platforms(defaults.to or ",".join(PLATFORMS))
    select_options = build.select_options(
        since,
        until,
        defaults.include_replies,
        defaults.include_retweets,
        min_likes,
        top,
        lang,
        exclude_sensitive,
        only,
        skip,
        review,
    )
    rewrite_options = build.rewrite_options(
        mentions=defaults.mentions,
        handle_map=defaults.path(defaults.handle_map, source),
        locale=defaults.locale,
        date_note=defaults.date_note_template,
        no_date_note=not defaults.date_note,
        no_bluesky_date_note=no_bluesky_date_note,
        no_mastodon_date_note=no_mastodon_date_note,
        timezone=defaults.timezone,
        mark_sensitive=not no_sensitive_marks,
        visibility=defaults.visibility,
        quote_policy=quote_policy,
        reply_context=not no_reply_context,
        pace=pace,
        link_cards=link_cards is not False and defaults.link_cards,
        bluesky_replies=bluesky_replies,
        bluesky_quotes=not bluesky_no_quotes,
        max_characters=max_characters,
        alt_text=defaults.path(defaults.alt_text, source),
    )
    if not dry_run:
        if as_json or preview is not None:
            raise BadInputError(_("--json and --preview go with --dry-run: preview first, then publish."))
        from quittex.cli.publish_flow import PublishRequest, publish

        accounts = {"bluesky": bluesky_account, "mastodon": mastodon_account}
        publish(
            PublishRequest(
                archive,
                platforms,
                select_options,
                rewrite_options,
                yes,
                max_posts,
                stop_after,
                state_dir,
                accounts,
                allow_private_links=defaults.allow_private_links,
            )
        )
        return
    fetch_cards = bool(link_cards) and "bluesky" in platforms
    if as_json and preview is None and not fetch_cards:
        _json_lines(archive, platforms, select_options, rewrite_options, state_dir)
        return
    with archive_progress(READING) as on_progress, load_archive(archive, on_progress) as opened:
        _say_archive_warnings(opened)
        plan = plan_migration(
            opened,
            platforms,
            select_options,
            rewrite_options,
            on_progress=next_stage(on_progress, REWRITING),
            published=_published(opened, platforms, state_dir),
        )
        if as_json:  # otherwise the summary table says it
            _say_review(plan.selection.review)
        if fetch_cards:
            _fetch_cards(plan, defaults.allow_private_links, next_stage(on_progress, FETCHING_CARDS))
        if preview is not None:
            from quittex.cli.dry_run import write_preview

            write_preview(opened, plan, preview, project)
    from quittex.cli import dry_run as render

    if as_json:
        render.json_lines(plan)
    else:
        render.terminal(plan, opened.account.username, show, shlex.quote(str(archive)))
    process.keep_until_exit((opened, plan))


def _fetch_cards(plan, allow_private: bool, on_progress) -> None:
    """`--dry-run --link-cards`: the cards fetched now, shown beside their posts."""
    from quittex.cards.preview import preview_cards

    cards = preview_cards(plan.platforms["bluesky"].drafts, allow_private=allow_private, on_progress=on_progress)
    if cards.failures:
        count = len(cards.failures)
        console.info(
            ngettext(
                "{count} link gives no card (its post would go out without one).",
                "{count} links give no card (their posts would go out without one).",
                count,
            ).format(count=format_number(count))
        )


def _json_lines(archive: Path, platforms, select_options, rewrite_options, state_dir: Path | None) -> None:
    """The dry run as JSON Lines, rewritten on every core (see quittex.output.json_lines)."""
    from quittex.archive import load_archive
    from quittex.cli.dry_run import binary_stdout
    from quittex.migrate.plan import prepare_rewrite
    from quittex.output.json_lines import write_json_lines

    with archive_progress(READING) as on_progress:
        with load_archive(archive, on_progress) as opened:
            _say_archive_warnings(opened)
            # Only with a review: the plain --json dry run reads no journal (it is benchmarked).
            published = _published(opened, platforms, state_dir) if select_options.review else None
            selection, rewriter = prepare_rewrite(
                opened, platforms, select_options, rewrite_options, published=published
            )
            _say_review(selection.review)
        out = binary_stdout()
        write_json_lines(selection.threads, rewriter, platforms, out, on_progress=next_stage(on_progress, REWRITING))
    out.flush()
    process.keep_until_exit(opened)


def _published(archive, platforms, state_dir: Path | None):
    """What the journals of this archive's account (on these platforms, any
    account there) say is published: a review leaves those tweets as they are."""
    from quittex.migrate.review import journals_of, published_tweets

    source = archive.account.account_id or archive.account.username
    return published_tweets(journals_of(source, platforms, state_dir))


def _say_review(report) -> None:
    """What the review changed and what it could not, on stderr."""
    if report is None:
        return
    from quittex.cli.dry_run import review_notes

    warnings, notes = review_notes(report)
    for warning in warnings:
        console.warn(warning)
    for note in notes:
        console.info(note)


def _say_archive_warnings(archive) -> None:
    """What the archive lacks or holds oddly (a missing part, tweets without text), on stderr."""
    for warning in archive.warnings:
        console.warn(shown(warning))


# The option behind each [migrate] key, so that a bad value is reported under the name typed.
_SAME_NAME = ("to", "locale", "timezone", "mentions", "visibility", "handle_map", "alt_text", "include_replies",
              "include_retweets")  # fmt: skip
_OPTIONS = {f"migrate.{key}": "--" + key.replace("_", "-") for key in _SAME_NAME} | {
    "migrate.date_note": "--no-date-note",
    "migrate.date_note_template": "--date-note",
}


def _absolute(path: Path | None) -> str | None:
    """A path given on the command line is relative to where quittex runs, not to the project file."""
    return str(path.absolute()) if path is not None else None


def register(app: typer.Typer) -> None:
    app.command("migrate")(migrate)
