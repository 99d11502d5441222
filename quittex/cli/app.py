"""The Typer application: a thin layer that checks options, calls the core and
renders results. Every QuittexError becomes one message and its exit code."""

from __future__ import annotations

from typing import Annotated

import typer
from typer.core import TyperGroup

from quittex import __version__
from quittex.cli import click_words, console, language, process
from quittex.cli.console import shown
from quittex.errors import ExitCode, QuittexError
from quittex.i18n import N_, _
from quittex.vocabulary import LANGUAGES, language_code


class QuittexGroup(TyperGroup):
    """Turns the core's errors into a message and an exit code, for every
    sub-command, so no command body needs its own try/except. It also speaks the
    user's language from the first word it prints."""

    def main(self, *args, **kwargs):  # type: ignore[override]
        click_words.install()
        language.start_language()
        arrange_commands(self)
        language.translate_commands(self)
        return super().main(*args, **kwargs)

    def invoke(self, ctx: typer.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except QuittexError as error:
            if (ctx.obj or {}).get("debug"):
                if getattr(error, "detail", ""):
                    console.err.print(f"[dim]{shown(error.detail)}[/dim]", highlight=False)
                raise
            _report(error)
            raise typer.Exit(int(error.exit_code)) from None
        except KeyboardInterrupt:
            interrupted, resume = _("Interrupted."), _("Run the same command again to resume.")
            console.err.print(f"[red]{interrupted}[/red] {resume}")
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None


def _report(error: QuittexError) -> None:
    # Babel reads no call inside an f-string (Python 3.11): the words come first.
    label = _("error:")
    console.err.print(f"[red]{label}[/red] {shown(error.message)}", highlight=False)
    if error.hint:
        label = _("hint:")
        console.err.print(f"[dim]{label}[/dim] {shown(error.hint)}", highlight=False)


app = typer.Typer(
    cls=QuittexGroup,
    name="quittex",
    help="Leave X/Twitter without losing what you built there: read your X archive, "
    "preview and republish it to Mastodon and Bluesky, and announce your departure.",
    rich_markup_mode="rich",
    invoke_without_command=True,  # alone, `quittex` shows the way out of X
    pretty_exceptions_show_locals=False,  # tokens can live in locals
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _choose_language(ctx: typer.Context, value: str | None) -> str | None:
    # Eager, so that `--lang fr --help` already answers in French.
    if value is None:
        return None
    code = language_code(value)
    if code not in LANGUAGES:
        raise typer.BadParameter(
            _("quittex speaks {languages}.").format(languages=", ".join(LANGUAGES)), ctx=ctx, param_hint="--lang"
        )
    from quittex import i18n

    i18n.set_language(code)
    language.translate_commands(ctx.find_root().command)
    return code


def _show_version(value: bool) -> None:
    if value:
        console.out.print(f"quittex {__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", help="Show the version and exit.", callback=_show_version, is_eager=True),
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show full tracebacks on errors.")] = False,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            envvar="QUITTEX_LANG",
            metavar="LANG",
            help="The language quittex speaks: fr, en, es, it or de "
            "(default: the project file's language, then the system's).",
            callback=_choose_language,
            is_eager=True,
            show_default=False,
        ),
    ] = None,
) -> None:
    ctx.obj = {"debug": debug}
    if ctx.invoked_subcommand is None:
        from quittex.cli.guide import show_guide

        show_guide()


def _register_commands() -> None:
    # One module per command group; each exposes register(app).
    from quittex.cli import (
        account_cmd,
        alttext_cmd,
        contacts_cmd,
        farewell_cmd,
        init_cmd,
        inspect_cmd,
        journal_cmd,
        migrate_cmd,
        profile_cmd,
    )

    modules: tuple = (
        inspect_cmd,
        migrate_cmd,
        journal_cmd,
        alttext_cmd,
        account_cmd,
        init_cmd,
        profile_cmd,
        contacts_cmd,
        farewell_cmd,
    )
    for module in modules:
        module.register(app)


_register_commands()

PREPARE, PUBLISH, AFTER = N_("Prepare"), N_("Publish"), N_("After")
# The commands in the order a collective meets them, in three panels.
COMMAND_PANELS = {
    "inspect": PREPARE,
    "init": PREPARE,
    "alt-text": PREPARE,
    "login": PUBLISH,
    "migrate": PUBLISH,
    "status": PUBLISH,
    "undo": PUBLISH,
    "whoami": PUBLISH,
    "profile": AFTER,
    "contacts": AFTER,
    "farewell": AFTER,
    "report": AFTER,
    "logout": AFTER,
}
# One example at the end of each command's help.
EXAMPLES = {
    "inspect": N_("Example: quittex inspect twitter-2025-01-20.zip"),
    "init": N_("Example: quittex init"),
    "alt-text": N_("Example: quittex alt-text export twitter-2025-01-20.zip --to alt-text.csv"),
    "alt-text export": N_("Example: quittex alt-text export twitter-2025-01-20.zip --to alt-text.csv"),
    "login": N_("Example: quittex login bluesky --handle collectif.bsky.social"),
    "login bluesky": N_("Example: quittex login bluesky --handle collectif.bsky.social"),
    "login mastodon": N_("Example: quittex login mastodon --instance https://mamot.fr"),
    "migrate": N_("Example: quittex migrate twitter-2025-01-20.zip --to mastodon,bluesky --dry-run"),
    "status": N_("Example: quittex status"),
    "undo": N_("Example: quittex undo --to bluesky"),
    "whoami": N_("Example: quittex whoami"),
    "profile": N_("Example: quittex profile twitter-2025-01-20.zip --dry-run"),
    "contacts": N_("Example: quittex contacts find twitter-2025-01-20.zip --out contacts.csv"),
    "contacts list": N_("Example: quittex contacts list twitter-2025-01-20.zip"),
    "contacts find": N_("Example: quittex contacts find twitter-2025-01-20.zip --out contacts.csv"),
    "contacts follow": N_("Example: quittex contacts follow contacts.csv --dry-run"),
    "contacts export": N_("Example: quittex contacts export contacts.csv --mastodon-csv following.csv"),
    "farewell": N_("Example: quittex farewell --format intro"),
    "report": N_("Example: quittex report --output migrated.csv"),
    "logout": N_("Example: quittex logout bluesky"),
}


def arrange_commands(group) -> None:
    """Panels, order and examples: set once on the tree Typer built for this run."""
    ordered = {name: group.commands[name] for name in COMMAND_PANELS if name in group.commands}
    group.commands = {**ordered, **group.commands}
    for name, command in group.commands.items():
        command.rich_help_panel = COMMAND_PANELS.get(name, command.rich_help_panel)
        for path, sub in [(name, command), *((f"{name} {n}", s) for n, s in getattr(command, "commands", {}).items())]:
            if path in EXAMPLES and not sub.epilog:
                sub.epilog = EXAMPLES[path]


def main() -> None:
    process.running_as_process()
    app()
