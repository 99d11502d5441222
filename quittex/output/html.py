"""A self-contained HTML page showing each tweet beside the posts it becomes.

One file, no server, no script, no external resource: images are inlined as
small thumbnails, so the page can be opened from anywhere or sent to the
people who decide before anything is published.
"""

from __future__ import annotations

import base64
import io
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from quittex.errors import ArchiveError, BadInputError
from quittex.models import Account, Thread, Tweet
from quittex.platforms import REGISTRY

if TYPE_CHECKING:
    from quittex.archive import Archive
    from quittex.migrate.plan import MigrationPlan
    from quittex.profile.build import ProfileDraft
    from quittex.profile.run import ProfileOutcome

THUMBNAIL_PIXELS = 480
MAX_INLINE_VIDEO_BYTES = 3 << 20
MediaLoader = Callable[[str], bytes | None]


@dataclass
class PreviewItem:
    tweet: Tweet
    thread_size: int
    thread_position: int
    posts: dict[str, list[dict]]  # platform → the drafts of this tweet, as JSON


def render_preview(
    account: Account,
    threads: list[Thread],
    drafts: list[dict],
    load_media: MediaLoader,
    skipped: Counter | None = None,
    limits: dict[str, int] | None = None,
    profiles: list[ProfileDraft] | None = None,
) -> str:
    """The page, from the selected threads and the drafts' `to_json()`."""
    by_tweet: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for draft in drafts:
        by_tweet[draft["tweet_id"]][draft["platform"]].append(draft)
    platforms = [name for name in REGISTRY if any(d["platform"] == name for d in drafts)]
    items = [
        PreviewItem(tweet, len(thread.tweets), position, dict(by_tweet.get(tweet.id, {})))
        for thread in threads
        for position, tweet in enumerate(thread.tweets, 1)
    ]
    media = _MediaInliner(load_media)
    template = _environment(media).get_template("preview.html.j2")
    return template.render(
        account=account,
        items=items,
        platforms=platforms,
        counts={p: sum(1 for d in drafts if d["platform"] == p) for p in platforms},
        skipped=sorted((skipped or Counter()).items()),
        limits=limits or {name: spec.settings().length_limit for name, spec in REGISTRY.items()},
        labels={name: spec.label for name, spec in REGISTRY.items()},
        rich_text={name: spec.rich_text for name, spec in REGISTRY.items()},
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        profiles=profile_cards(profiles or []),
    )


def render_profile_preview(drafts: list[ProfileDraft], outcomes: list[ProfileOutcome | None] | None = None) -> str:
    """A page of the new profiles alone, as `quittex profile --dry-run --html` writes it."""
    template = _environment(_MediaInliner(lambda _: None)).get_template("profile.html.j2")
    return template.render(
        profiles=profile_cards(drafts, outcomes),
        platforms=[],
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )


def write_profile_preview(
    target: Path, drafts: list[ProfileDraft], outcomes: list[ProfileOutcome | None] | None = None
) -> None:
    _write_page(target, render_profile_preview(drafts, outcomes))


def profile_cards(drafts: list[ProfileDraft], outcomes: list[ProfileOutcome | None] | None = None) -> list[dict]:
    """What the profile section shows of each draft: its images inline, and
    per field where it came from (and, when read, what the account says now)."""
    cards = []
    for draft, outcome in zip(drafts, outcomes or [None] * len(drafts), strict=True):
        now = outcome.current if outcome is not None else None
        cards.append(
            {
                "platform": draft.platform,
                "draft": draft,
                "account": outcome.account if outcome else None,
                "avatar": _image_uri(draft.avatar),
                "banner": _image_uri(draft.banner),
                "rows": _profile_rows(draft, now),
                "now": now is not None,
                "changes": outcome.change.names() if outcome else None,
            }
        )
    return cards


def _profile_rows(draft: ProfileDraft, now) -> list[dict]:
    def source(built) -> str:
        cut = f" (shortened from {built.shortened_from})" if built.shortened_from else ""
        return built.source + cut

    def image(built, current) -> tuple[str, str]:
        told = f"{built.source}: {built.picture.describe()}" if built else "nothing: left as it is"
        shown = "" if now is None else ("none" if current is None or current.default else "an image")
        return told, shown

    rows = [
        {"field": "Name", "source": source(draft.display_name), "now": now.display_name if now else ""},
        {"field": "Bio", "source": source(draft.description), "now": now.description if now else ""},
    ]
    if draft.fields is not None:
        listed = "\n".join(f"{name}: {value}" for name, value in now.fields) if now else ""
        rows.append({"field": "Links", "source": "quittex.toml [addresses], the X username", "now": listed})
    for label, built, current in (
        ("Avatar", draft.avatar, now.avatar if now else None),
        ("Banner", draft.banner, now.banner if now else None),
    ):
        told, shown = image(built, current)
        rows.append({"field": label, "source": told, "now": shown})
    return rows


def _image_uri(built) -> str | None:
    if built is None:
        return None
    image = built.picture.image
    return f"data:{image.mime_type};base64," + base64.b64encode(image.data).decode()


def _write_page(target: Path, page: str) -> None:
    try:
        target.write_text(page, encoding="utf-8")
    except OSError as error:
        raise BadInputError(f"Cannot write {target}: {error.strerror or error}.") from None


def _environment(media: _MediaInliner) -> Environment:
    env = Environment(
        loader=PackageLoader("quittex.output", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["bluesky_text"] = bluesky_html
    env.filters["plain_text"] = plain_html
    env.filters["media_html"] = media.html
    env.filters["card_html"] = card_html
    env.filters["x_date"] = lambda moment: moment.strftime("%Y-%m-%d %H:%M UTC")
    return env


def card_html(card: dict) -> Markup:
    """A link card as the post will show it, or what the dry run knows of it."""
    url = card.get("url", "")
    if "fetched" not in card:
        return Markup('<div class="card pending">🔗 a card of {} is fetched when the post is published</div>').format(
            url
        )
    if not card["fetched"]:
        return Markup('<div class="card none">🔗 no card for {}: {}</div>').format(url, card.get("reason", ""))
    thumb = card.get("thumb_uri")
    picture = Markup('<img src="{}" alt="">').format(thumb) if thumb else Markup("")
    return Markup(
        '<div class="card">{}<div class="card-text"><div class="card-title">{}</div><div>{}</div>'
        '<div class="meta">{}</div></div></div>'
    ).format(picture, card.get("title", ""), card.get("description", ""), url)


def plain_html(text: str) -> Markup:
    return Markup("<br>".join(str(escape(line)) for line in text.split("\n")))


def bluesky_html(draft: dict) -> Markup:
    """The post text with its facets as links, exactly over their byte ranges,
    so a facet that is off by one byte shows up off in the preview too."""
    data = draft["text"].encode("utf-8")
    pieces, position = [], 0
    for facet in sorted(draft.get("facets", []), key=lambda f: f["index"]["byteStart"]):
        start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
        if start < position or end > len(data):
            continue
        pieces.append(plain_html(data[position:start].decode("utf-8", "replace")))
        feature = facet["features"][0]
        inner = plain_html(data[start:end].decode("utf-8", "replace"))
        kind = feature["$type"].rsplit("#", 1)[-1]
        target = feature.get("uri") or feature.get("did") or f"#{feature.get('tag', '')}"
        pieces.append(Markup('<a class="facet {}" href="{}" title="{}">{}</a>').format(kind, target, target, inner))
        position = end
    pieces.append(plain_html(data[position:].decode("utf-8", "replace")))
    return Markup("").join(pieces)


class _MediaInliner:
    def __init__(self, load: MediaLoader) -> None:
        self._load = load
        self._cache: dict[str, Markup] = {}

    def html(self, media: dict) -> Markup:
        path = media.get("path")
        if not path:
            return Markup('<div class="media missing">missing from the archive</div>')
        if path not in self._cache:
            self._cache[path] = self._render(path, media.get("kind", "photo"), media.get("alt", ""))
        return self._cache[path]

    def _render(self, path: str, kind: str, alt: str) -> Markup:
        data = self._load(path)
        name = path.rsplit("/", 1)[-1]
        if data is None:
            return Markup('<div class="media missing">{} is missing</div>').format(name)
        if kind == "photo":
            uri, problem = _thumbnail(data, name)
            if uri:
                return Markup('<img class="media" src="{}" alt="{}" title="{}">').format(uri, alt, name)
            return Markup('<div class="media missing">{} cannot be shown: {}</div>').format(name, problem)
        label = "GIF" if kind == "animated_gif" else "video"
        if len(data) <= MAX_INLINE_VIDEO_BYTES:
            uri = "data:video/mp4;base64," + base64.b64encode(data).decode()
            loop = " autoplay loop muted" if kind == "animated_gif" else " controls"
            return Markup('<video class="media" src="{}"{} title="{}"></video>').format(uri, Markup(loop), name)
        return Markup('<div class="media video">{} {} ({:,} bytes)</div>').format(label, name, len(data))


def _thumbnail(data: bytes, name: str) -> tuple[str | None, str]:
    """A small inline copy of a photo, or why it cannot be made (checked by the
    media stage's own rules: a picture of 900 million pixels is refused, not decoded)."""
    from quittex.media import MediaError
    from quittex.media.images import read_image

    try:
        with read_image(data, name) as image:
            image.thumbnail((THUMBNAIL_PIXELS, THUMBNAIL_PIXELS))
            keep_alpha = image.mode in ("RGBA", "LA", "P")
            image = image.convert("RGBA" if keep_alpha else "RGB")
            buffer = io.BytesIO()
            image.save(buffer, "PNG" if keep_alpha else "JPEG", quality=70)
    except MediaError as error:
        return None, error.detail
    except (OSError, ValueError) as error:
        return None, f"the image is damaged ({type(error).__name__})"
    mime = "image/png" if keep_alpha else "image/jpeg"
    return f"data:{mime};base64," + base64.b64encode(buffer.getvalue()).decode(), ""


def write_preview(
    archive: Archive, plan: MigrationPlan, target: Path, profiles: list[ProfileDraft] | None = None
) -> None:
    """Write the preview page of a dry run's plan to `target`, with the new
    profiles on top when given."""
    drafts = []
    for platform_plan in plan.platforms.values():
        for draft in platform_plan.drafts:
            data = draft.to_json()
            data["length"] = draft.shown_length()
            thumb = getattr(draft, "card_thumb", None)
            if thumb and data.get("link_card"):  # the picture, inline: the page stays one file
                mime = data["link_card"].get("thumb", {}).get("mime_type", "image/jpeg")
                data["link_card"]["thumb_uri"] = f"data:{mime};base64," + base64.b64encode(thumb).decode()
            drafts.append(data)

    def load(path: str) -> bytes | None:
        try:
            return archive.read_media(path, limit=64 << 20)
        except ArchiveError:
            return None

    page = render_preview(
        archive.account, plan.selection.threads, drafts, load, plan.selection.skipped, profiles=profiles
    )
    _write_page(target, page)
