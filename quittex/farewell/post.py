"""Publish the `intro` post to the collective's new accounts.

It goes out once: quittex remembers, per platform, account and text, what it
posted, and refuses to post the same introduction twice unless asked to.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from quittex import paths
from quittex.errors import AuthError, BadInputError, PlatformError
from quittex.farewell.render import FarewellText

_RECORD = "intro-posts.json"


def _record_path() -> Path:
    return paths.private_dir(paths.state_dir()) / _RECORD


def _fingerprint(platform: str, account: str, text: str) -> str:
    return hashlib.sha256(f"{platform}\n{account}\n{text}".encode()).hexdigest()


def already_posted(platform: str, account: str, text: str) -> str | None:
    """The URL of this very introduction if quittex already posted it."""
    path = _record_path()
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8")).get(_fingerprint(platform, account, text))
    except (OSError, ValueError):
        return None


def _remember(platform: str, account: str, text: str, url: str) -> None:
    path = _record_path()
    try:
        known = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    except (OSError, ValueError):
        known = {}
    known[_fingerprint(platform, account, text)] = url
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(known, indent=1), encoding="utf-8")
    temporary.chmod(0o600)
    temporary.replace(path)


def post_intro(intro: FarewellText, account: str | None = None, *, force: bool = False) -> tuple[str, str]:
    """(account, URL of the new post). `intro` is the rendered intro for one platform."""
    post = intro.posts[0]
    if intro.platform == "bluesky":
        who, url = _post_bluesky(post, intro.lang, account, force)
    else:
        who, url = _post_mastodon(post.text, intro.lang, account, force)
    _remember(intro.platform, who, post.text, url)
    return who, url


def _refuse_repeat(platform: str, account: str, text: str, force: bool) -> None:
    url = already_posted(platform, account, text)
    if url and not force:
        raise BadInputError(f"This introduction is already on {platform.capitalize()}: {url}", hint="Add --force to post it again.")


def _post_bluesky(post, lang: str, handle: str | None, force: bool) -> tuple[str, str]:
    from atproto import models
    from atproto_client.exceptions import AtProtocolError, UnauthorizedError

    from quittex.accounts import bluesky_session

    session = bluesky_session(handle)
    _refuse_repeat("bluesky", session.handle, post.text, force)
    # send_post needs the AppView profile (client.me), which a self-hosted PDS
    # may not serve: write the record directly.
    record = models.AppBskyFeedPost.Record(
        text=post.text, facets=list(post.facets) or None, langs=[lang], created_at=session.client.get_current_time_iso()
    )
    data = models.ComAtprotoRepoCreateRecord.Data(repo=session.did, collection="app.bsky.feed.post", record=record)
    try:
        answer = session.client.com.atproto.repo.create_record(data)
    except UnauthorizedError:
        raise AuthError("Bluesky refused the saved session.", hint="Run: quittex login bluesky --handle …") from None
    except AtProtocolError as error:
        raise PlatformError(f"Bluesky did not accept the post: {type(error).__name__}.") from None
    rkey = answer.uri.rsplit("/", 1)[-1]
    return session.handle, f"https://bsky.app/profile/{session.did}/post/{rkey}"


def _post_mastodon(text: str, lang: str, account: str | None, force: bool) -> tuple[str, str]:
    from mastodon import MastodonError, MastodonUnauthorizedError

    from quittex.accounts import mastodon_session

    session = mastodon_session(account)
    _refuse_repeat("mastodon", session.account, text, force)
    key = "quittex-intro-" + _fingerprint("mastodon", session.account, text)[:40]
    try:
        status = session.client.status_post(text, visibility="public", language=lang, idempotency_key=key)
    except MastodonUnauthorizedError:
        raise AuthError("Mastodon refused the saved token.", hint="Run: quittex login mastodon --instance …") from None
    except MastodonError as error:
        # The server's own reason is the last argument (never the token).
        reason = str(error.args[-1]) if error.args else type(error).__name__
        raise PlatformError(f"Mastodon did not accept the post: {reason[:300]}") from None
    return session.account, status["url"] or status["uri"]
