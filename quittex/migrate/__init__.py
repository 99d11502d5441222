"""The conductor: a migration from the archive to the new accounts.

    select.py   which tweets go (`SelectOptions`, `select`)
    plan.py     the selected threads rewritten per platform, offline (`plan_migration`)
    targets.py  the logged-in accounts, as publishers with their servers' limits
    run.py      a whole run: plan with those limits, confirm, publish, report
    review.py   the review page's choices (quittex-review.json), applied to the selection

Below it, the stages it drives: archive → rewrite → media → publish.
"""

from quittex.migrate.plan import MigrationPlan, PlatformPlan, plan_migration, prepare_rewrite
from quittex.migrate.review import Review, ReviewReport, TweetChoice, read_review, read_reviews
from quittex.migrate.run import MigrationOutcome, RunSettings, publish_plan, run_migration
from quittex.migrate.select import Selection, SelectOptions, select
from quittex.migrate.targets import close_targets, migrated_ids, open_targets, with_server_limits

__all__ = [
    "MigrationOutcome",
    "MigrationPlan",
    "PlatformPlan",
    "Review",
    "ReviewReport",
    "RunSettings",
    "SelectOptions",
    "Selection",
    "TweetChoice",
    "close_targets",
    "migrated_ids",
    "open_targets",
    "plan_migration",
    "prepare_rewrite",
    "publish_plan",
    "read_review",
    "read_reviews",
    "run_migration",
    "select",
    "with_server_limits",
]
