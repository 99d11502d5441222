"""The environment variables that hold credentials (they win over saved
accounts, for CI and cron). A module of its own so the command line can name
them without loading the platforms' client libraries."""

ENV_HANDLE = "QUITTEX_BLUESKY_HANDLE"
ENV_PASSWORD = "QUITTEX_BLUESKY_PASSWORD"
ENV_PDS = "QUITTEX_BLUESKY_PDS"
ENV_URL = "QUITTEX_MASTODON_URL"
ENV_TOKEN = "QUITTEX_MASTODON_TOKEN"
