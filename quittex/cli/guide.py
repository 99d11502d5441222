"""`quittex` with no command: the way out of X, step by step, and the next command."""

from __future__ import annotations

from quittex.cli import console
from quittex.cli.console import shown
from quittex.i18n import _, format_list, format_number
from quittex.journey import Journey, Step, read_journey
from quittex.platforms import REGISTRY

DOWNLOAD_HINT = "https://x.com/settings/download_your_data"


def show_guide() -> None:
    journey = read_journey()
    out = console.out
    title = _("Leaving X with quittex, step by step")
    out.print(f"[bold]{title}[/bold]", highlight=False)
    for number, step in enumerate(journey.steps, start=1):
        mark = "[green]✓[/green]" if step.done else "[dim]·[/dim]"
        out.print(f" {mark} {number}. {_sentence(step)}", highlight=False)
    _show_next(journey)


def _show_next(journey: Journey) -> None:
    step = journey.next_step
    out = console.out
    if step is None:
        out.print(_("Everything is done: your collective has left X. Well done!"), highlight=False)
        return
    if step.key == "archive" and not step.facts.get("archive"):
        out.print(
            _(
                "Next: download your archive from X (Settings → Your account → Download an archive: {url}), "
                "then put the zip in this folder."
            ).format(url=DOWNLOAD_HINT),
            highlight=False,
        )
        return
    if step.key == "review":
        out.print(
            _(
                "Next: open the preview in your browser, keep or leave out posts, write alt texts, "
                "then save your review in this folder as {file}:"
            ).format(file=step.facts["file"]),
            highlight=False,
        )
    else:
        out.print(_("Next:"), highlight=False)
    out.print(f"  [bold]{shown(step.command)}[/bold]", highlight=False)


def _sentence(step: Step) -> str:
    return _SENTENCES[step.key](step)


def _archive(step: Step) -> str:
    facts = step.facts
    if not facts["archive"]:
        return _("No X archive found in this folder.")
    if facts["problem"]:
        return _("The archive {archive} cannot be read: {problem}").format(
            archive=shown(facts["archive"]), problem=shown(facts["problem"])
        )
    return _("Archive {archive} read (@{username}).").format(
        archive=shown(facts["archive"]), username=shown(facts["username"])
    )


def _project(step: Step) -> str:
    if step.done:
        return _("Project file quittex.toml ready.")
    if step.facts["problem"]:
        return _("The project file quittex.toml has a problem: {problem}").format(problem=shown(step.facts["problem"]))
    return _("No project file yet (it says who the collective is and where it goes).")


def _review(step: Step) -> str:
    if step.done:
        return _("Preview reviewed ({file}).").format(file=step.facts["file"])
    return _("Preview not reviewed yet.")


def _accounts(step: Step) -> str:
    accounts: dict[str, list[str]] = step.facts["accounts"]
    connected = [f"{REGISTRY[name].label} {shown(', '.join(found))}" for name, found in accounts.items() if found]
    missing = [REGISTRY[name].label for name, found in accounts.items() if not found]
    if not missing:
        return _("Accounts connected: {accounts}.").format(accounts=format_list(connected))
    return _("Not connected yet: {platforms}.").format(platforms=format_list(missing))


def _migrate(step: Step) -> str:
    counts: dict[str, dict[str, int]] = step.facts["counts"]
    if not counts:
        return _("No post migrated yet.")
    parts = []
    for name, states in counts.items():
        left = states.get("pending", 0) + states.get("sending", 0)
        parts.append(
            _("{platform}: {done} published, {left} left, {failed} failed").format(
                platform=REGISTRY[name].label,
                done=format_number(states.get("done", 0)),
                left=format_number(left),
                failed=format_number(states.get("failed", 0)),
            )
        )
    lead = _("Posts migrated") if step.done else _("Migration under way")
    return f"{lead}: {'; '.join(parts)}."


def _profile(step: Step) -> str:
    return _("Profile set on the new accounts.") if step.done else _("Profile not set on the new accounts yet.")


def _farewell(step: Step) -> str:
    return _("Farewell posted.") if step.done else _("Farewell not posted yet.")


_SENTENCES = {
    "archive": _archive,
    "project": _project,
    "review": _review,
    "accounts": _accounts,
    "migrate": _migrate,
    "profile": _profile,
    "farewell": _farewell,
}
