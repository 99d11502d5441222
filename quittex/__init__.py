"""quittex: leave X/Twitter without losing what you built there.

The Python API, for scripts and other tools (the `quittex` command is a thin
layer over the same calls)::

    import quittex

    with quittex.open_archive("twitter-2024-11-20-abc123.zip") as archive:
        plan = quittex.plan_migration(archive, ["mastodon", "bluesky"])   # a dry run: offline
    outcome = quittex.run_migration("twitter-….zip", ["bluesky"], on_progress=print)  # publishes

`open_archive` reads an archive of any generation (zip or folder);
`plan_migration` selects and rewrites its tweets for the chosen platforms
(`SelectOptions`, `RewriteOptions`); `write_json_lines` and `write_preview`
write what a dry run shows; `run_migration` logs in with the saved accounts
(`quittex login`, or the QUITTEX_* variables), plans with the servers' own
limits and publishes, exactly once and resumably; `connect` and
`publish_plan` do the same in two steps; `render_farewell` writes the
farewell texts from a project file (`load_config`) and `post_intro`
publishes the introduction; `read_x_profile`, `build_profiles`,
`apply_profile` and `restore_profile` give the new accounts the collective's
profile and take it back; `read_contacts`, `find_contacts` and `follow_all`
find the collective's X contacts again and follow them. Errors are `QuittexError`s, each with its
`exit_code`.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# Loaded on first use, so that `import quittex` (and `quittex --help`) stays fast.
_WHERE = {
    "open_archive": ("quittex.archive", "load_archive"),
    "Archive": ("quittex.archive", "Archive"),
    "SelectOptions": ("quittex.migrate", "SelectOptions"),
    "RewriteOptions": ("quittex.rewrite.options", "RewriteOptions"),
    "MigrationPlan": ("quittex.migrate", "MigrationPlan"),
    "plan_migration": ("quittex.migrate", "plan_migration"),
    "connect": ("quittex.migrate", "open_targets"),
    "publish_plan": ("quittex.migrate", "publish_plan"),
    "run_migration": ("quittex.migrate", "run_migration"),
    "RunSettings": ("quittex.migrate", "RunSettings"),
    "MigrationOutcome": ("quittex.migrate", "MigrationOutcome"),
    "write_json_lines": ("quittex.output.json_lines", "write_plan"),
    "write_preview": ("quittex.output.html", "write_preview"),
    "load_config": ("quittex.config", "load_config"),
    "render_farewell": ("quittex.farewell", "render_farewell"),
    "post_intro": ("quittex.farewell.post", "post_intro"),
    "read_x_profile": ("quittex.archive.profile", "read_x_profile"),
    "build_profiles": ("quittex.profile.build", "build_profiles"),
    "apply_profile": ("quittex.profile.run", "apply_profile"),
    "restore_profile": ("quittex.profile.run", "restore_profile"),
    "read_contacts": ("quittex.contacts.extract", "read_contacts"),
    "find_contacts": ("quittex.contacts.find", "find_contacts"),
    "follow_all": ("quittex.contacts.follow", "follow_all"),
    "PLATFORMS": ("quittex.platforms", "PLATFORMS"),
    "QuittexError": ("quittex.errors", "QuittexError"),
}

__all__ = ["__version__", *_WHERE]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attribute = _WHERE[name]
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value
