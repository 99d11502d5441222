"""The review page: a self-contained HTML file showing each tweet beside the
posts it becomes, where the people who decide choose before anything is
published.

One file, no server, no external resource, nothing sent anywhere (a
Content-Security-Policy forbids the network): images are inlined as small
thumbnails, the script and style are inlined too. On the page, people keep or
leave out each tweet, write alt texts, edit a text (the new posts and their
lengths are shown as they type, a close approximation of the rewriting), filter
and count, then save their choices as `quittex-review.json`
(quittex.migrate.review describes the file) and open saved ones again, several
at once to merge a collective's reviews. `quittex migrate --review` applies it.

Every text of the page is translated: the templates through Jinja's i18n
extension, the script's texts handed over already translated as a JSON block.
A page shows at most MAX_PAGE_TWEETS tweets (whole threads) and says so.
"""

from __future__ import annotations

import base64
import io
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from quittex import i18n
from quittex.errors import ArchiveError, BadInputError
from quittex.i18n import N_, _, format_moment, format_number, ngettext
from quittex.models import Account, Thread, Tweet
from quittex.platforms import REGISTRY

if TYPE_CHECKING:
    from quittex.archive import Archive
    from quittex.migrate.plan import MigrationPlan
    from quittex.migrate.review import TweetChoice
    from quittex.profile.build import ProfileDraft
    from quittex.profile.run import ProfileOutcome

THUMBNAIL_PIXELS = 480
MAX_INLINE_VIDEO_BYTES = 3 << 20
# Tweets on one page: past a few thousand, a browser (a phone's above all)
# struggles with the inline media. Whole threads are shown; the page says how
# to see the others (--since).
MAX_PAGE_TWEETS = 2000
CSP = "default-src 'none'; img-src data:; media-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'"
MediaLoader = Callable[[str], bytes | None]
_ASSETS = Path(__file__).parent
_NUMBERING = re.compile(r"^\d+/\d+(?: · )?")
_ALT_LABELS = {
    "photo": N_("Alt text of photo {number}"),
    "animated_gif": N_("Alt text of GIF {number}"),
    "video": N_("Alt text of video {number}"),
}


@dataclass
class PreviewItem:
    tweet: Tweet  # as the archive has it (an edited tweet shows its original here)
    thread_size: int
    thread_position: int
    posts: dict[str, list[dict]]  # platform → the drafts of this tweet, as JSON
    kinds: list[str] = field(default_factory=list)  # thread, reply, retweet, media, split
    keep: bool = True
    text: str = ""  # what the edit box holds
    alts: list[dict] = field(default_factory=list)  # media of the tweet with their alt text
    published: bool = False


@dataclass
class ReviewContext:
    """What the review page needs beyond the drafts."""

    archive_name: str = "ARCHIVE"
    alt_texts: Mapping[str, str] = field(default_factory=dict)  # prefilled, by media path
    choices: Mapping[str, TweetChoice] = field(default_factory=dict)  # a review already applied
    originals: Mapping[str, Tweet] = field(default_factory=dict)  # tweets a review edited, as archived
    published: frozenset[str] = frozenset()
    shapes: Mapping[tuple[str, str], dict] = field(default_factory=dict)  # (tweet, platform) → see _shape
    platforms: Mapping[str, dict] = field(default_factory=dict)  # platform → counting rules for the script
    selected: int = 0  # tweets in the whole selection (the page may show fewer)
    next_day: str | None = None  # the first day not shown, for --since


def render_preview(
    account: Account,
    threads: list[Thread],
    drafts: list[dict],
    load_media: MediaLoader,
    skipped: Counter | None = None,
    limits: dict[str, int] | None = None,
    profiles: list[ProfileDraft] | None = None,
    *,
    review: ReviewContext | None = None,
) -> str:
    """The page, from the selected threads and the drafts' `to_json()`."""
    context = review or ReviewContext()
    by_tweet: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for draft in drafts:
        by_tweet[draft["tweet_id"]][draft["platform"]].append(draft)
    platforms = [name for name in REGISTRY if any(d["platform"] == name for d in drafts)]
    groups = [
        [_item(account, thread, position, tweet, dict(by_tweet.get(tweet.id, {})), context) for position, tweet in
         enumerate(thread.tweets, 1)]
        for thread in threads
    ]  # fmt: skip
    items = [item for group in groups for item in group]
    limits = limits or {name: spec.settings().length_limit for name, spec in REGISTRY.items()}
    media = _MediaInliner(load_media)
    template = _environment(media).get_template("preview.html.j2")
    return template.render(
        account=account,
        items=items,
        groups=groups,
        platforms=platforms,
        counts={p: sum(1 for d in drafts if d["platform"] == p) for p in platforms},
        skipped=sorted((skipped or Counter()).items()),
        limits=limits,
        labels={name: spec.label for name, spec in REGISTRY.items()},
        rich_text={name: spec.rich_text for name, spec in REGISTRY.items()},
        generated=_now(),
        profiles=profile_cards(profiles or []),
        years=sorted({item.tweet.created_at.year for item in items}),
        selected=max(context.selected, len(items)),
        next_day=context.next_day,
        archive_name=context.archive_name,
        lang=i18n.current_language(),
        csp=Markup(CSP),
        initial_counts=_counts_line(items, context),
        texts_json=_script_json(page_texts()),
        data_json=_script_json(_page_data(account, items, platforms, limits, context)),
        script=Markup(_asset("review.js")),
        style=Markup(_asset("review.css")),
    )


def _item(
    account: Account, thread: Thread, position: int, tweet: Tweet, posts: dict[str, list[dict]], context: ReviewContext
) -> PreviewItem:
    original = context.originals.get(tweet.id, tweet)
    choice = context.choices.get(tweet.id)
    kinds = []
    if len(thread.tweets) > 1:
        kinds.append("thread")
    if tweet.in_reply_to_id and (tweet.in_reply_to_screen_name or "").lower() != account.username.lower():
        kinds.append("reply")
    if tweet.is_retweet:
        kinds.append("retweet")
    if tweet.media:
        kinds.append("media")
    if any(len(drafts) - _media_posts(drafts) > 1 for drafts in posts.values()):
        kinds.append("split")  # more than one post for its text: too long for one
    alts = [
        {
            "path": m.path,
            "number": n,
            "label": _(_ALT_LABELS.get(m.kind, _ALT_LABELS["video"])).format(number=n),
            "alt": context.alt_texts.get(m.path, ""),
        }
        for n, m in enumerate(tweet.media, 1)
        if m.path
    ]
    return PreviewItem(
        tweet=original,
        thread_size=len(thread.tweets),
        thread_position=position,
        posts=posts,
        kinds=kinds,
        keep=not (choice is not None and choice.keep is False),
        text=tweet.text,
        alts=alts,
        published=tweet.id in context.published,
    )


def _counts_line(items: list[PreviewItem], context: ReviewContext) -> str:
    """The counts as the script writes them, for the page as it opens."""
    alts = [alt for item in items for alt in item.alts]
    kept = sum(1 for item in items if item.keep)
    return page_texts()["counts"].format(
        shown=format_number(len(items)),
        total=format_number(len(items)),
        kept=format_number(kept),
        left=format_number(len(items) - kept),
        edited=format_number(sum(1 for item in items if item.text != item.tweet.text)),
        alts=format_number(sum(1 for alt in alts if alt["alt"])),
        media=format_number(len(alts)),
    )


def _media_posts(drafts: list[dict]) -> int:
    """Posts of a tweet that only carry its other media (the first group goes with the text)."""
    return max(sum(1 for d in drafts if d.get("media")) - 1, 0)


def _page_data(
    account: Account, items: list[PreviewItem], platforms: list[str], limits: Mapping[str, int], context: ReviewContext
) -> dict:
    """What the script needs: the archive, each platform's counting rules,
    and per tweet its original text and what surrounds its body in a post."""
    tweets = {}
    for item in items:
        tweet = item.tweet
        shapes = {}
        for platform in platforms:
            shape = dict(context.shapes.get((tweet.id, platform), {}))
            drafts = item.posts.get(platform, [])
            shape["posts"] = len(drafts)
            shape["extra"] = _media_posts(drafts)
            shapes[platform] = shape
        tweets[tweet.id] = {
            "original": tweet.text,
            "planned": item.text,  # the text the posts beside were made from
            "position": item.thread_position,
            "replyTo": tweet.in_reply_to_screen_name or "",
            "platforms": shapes,
        }
    rules = {}
    for platform in platforms:
        rule = dict(context.platforms.get(platform, {}))
        rule.setdefault("limit", limits.get(platform, 500))
        rule["label"] = REGISTRY[platform].label
        rules[platform] = rule
    return {
        "format": 1,
        "archive": {"account_id": account.account_id or "", "username": account.username or ""},
        "language": i18n.current_language(),
        "platforms": rules,
        "tweets": tweets,
        "initial": {tweet_id: choice.to_json() for tweet_id, choice in context.choices.items() if tweet_id in tweets},
    }


def page_texts() -> dict[str, Any]:
    """Every text the page's script shows, in the language of the run. A text
    that counts is a pair of its forms for one and for several, chosen in the
    browser by the language's plural rule; placeholders are {name}."""
    return {
        "counts": _("Shown: {shown} of {total} · Kept: {kept} · Left out: {left} · Edited: {edited} · "
                    "Alt texts written: {alts} of {media}"),
        "posts": [ngettext("{count} post", "{count} posts", 1), ngettext("{count} post", "{count} posts", 2)],
        "part": _("Post {number} of {total}"),
        "over": _("too long for {platform}"),
        "mediaPost": _("Media of the tweet"),
        "noteOmitted": _("The date note is left out so that the tweet fits in one post."),
        "liveTitle": _("With the new text, about {posts} (the dry run with your review gives the exact posts):"),
        "liveSummary": _("New text: {summary}."),
        "altLength": _("{count} characters"),
        "altOver": _("{count} characters: Mastodon takes {limit}"),
        "saved": _("Saved {file}: {left} left out, {edited} edited, {alts} alt texts."),
        "opened": [
            ngettext("Opened {count} review: the choices are restored.",
                     "Opened {count} reviews, merged (the later file wins): the choices are restored.", 1),
            ngettext("Opened {count} review: the choices are restored.",
                     "Opened {count} reviews, merged (the later file wins): the choices are restored.", 2),
        ],
        "notOnPage": [
            ngettext("{file}: {count} tweet is not on this page: it is not part of this review.",
                     "{file}: {count} tweets are not on this page: they are not part of this review.", 1),
            ngettext("{file}: {count} tweet is not on this page: it is not part of this review.",
                     "{file}: {count} tweets are not on this page: they are not part of this review.", 2),
        ],
        "notReview": _("{file} is not a quittex review file."),
        "badJson": _("{file} is not a review file: it is not valid JSON."),
        "otherVersion": _("{file} is a review in another format ({version}); this page reads format 1."),
        "otherArchive": _("{file} is a review of another archive (@{other}), not of @{username}'s."),
        "tooBig": _("{file} is larger than a review file can be."),
        "badField": _("{file}: tweet {id} has a field this page cannot read ({field}): it is skipped."),
        "unreadable": _("{file} cannot be read."),
    }  # fmt: skip


def _script_json(data: object) -> Markup:
    """JSON for a <script type="application/json"> block: nothing in it can
    close the element or open a comment."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for character, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(character, escaped)
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


@cache
def _asset(name: str) -> str:
    return (_ASSETS / name).read_text(encoding="utf-8")


def _now() -> str:
    return format_moment(datetime.now(UTC)) + " UTC"


def render_profile_preview(drafts: list[ProfileDraft], outcomes: list[ProfileOutcome | None] | None = None) -> str:
    """A page of the new profiles alone, as `quittex profile --dry-run --html` writes it."""
    template = _environment(_MediaInliner(lambda _path: None)).get_template("profile.html.j2")
    return template.render(
        profiles=profile_cards(drafts, outcomes), platforms=[], generated=_now(), lang=i18n.current_language()
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
        if not built.shortened_from:
            return built.source
        return built.source + " " + _("(shortened from {length})").format(length=built.shortened_from)

    def image(built, current) -> tuple[str, str]:
        told = f"{built.source}: {built.picture.describe()}" if built else _("nothing: left as it is")
        shown = "" if now is None else (_("none") if current is None or current.default else _("an image"))
        return told, shown

    rows = [
        {"field": _("Name"), "source": source(draft.display_name), "now": now.display_name if now else ""},
        {"field": _("Bio"), "source": source(draft.description), "now": now.description if now else ""},
    ]
    if draft.fields is not None:
        listed = "\n".join(f"{name}: {value}" for name, value in now.fields) if now else ""
        rows.append({"field": _("Links"), "source": _("quittex.toml [addresses], the X username"), "now": listed})
    for label, built, current in (
        (_("Avatar"), draft.avatar, now.avatar if now else None),
        (_("Banner"), draft.banner, now.banner if now else None),
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
        raise BadInputError(
            _("Cannot write {path}: {reason}.").format(path=target, reason=error.strerror or error)
        ) from None


def _environment(media: _MediaInliner) -> Environment:
    env = Environment(
        loader=PackageLoader("quittex.output", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_callables(i18n._, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters["bluesky_text"] = bluesky_html
    env.filters["plain_text"] = plain_html
    env.filters["media_html"] = media.html
    env.filters["card_html"] = card_html
    env.filters["x_date"] = lambda moment: format_moment(moment) + " UTC"
    env.filters["number"] = format_number
    env.filters["strong"] = lambda count: Markup("<strong>{}</strong>").format(format_number(count))
    env.filters["link"] = lambda url: Markup('<a href="{}">{}</a>').format(url, url)
    env.filters["reasons"] = _reasons
    return env


def _reasons(skipped: Iterable[tuple[str, int]]) -> str:
    # Translators: one reason tweets are left out, and how many: "retweet (3)".
    return ", ".join(
        _("{reason} ({count})").format(reason=reason, count=format_number(count)) for reason, count in skipped
    )


def card_html(card: dict) -> Markup:
    """A link card as the post will show it, or what the dry run knows of it."""
    url = card.get("url", "")
    if "fetched" not in card:
        said = _("a card of {url} is fetched when the post is published")
        return Markup('<div class="card pending">🔗 {}</div>').format(said.format(url=url))
    if not card["fetched"]:
        said = _("no card for {url}: {reason}").format(url=url, reason=card.get("reason", ""))
        return Markup('<div class="card none">🔗 {}</div>').format(said)
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
            return Markup('<div class="media missing">{}</div>').format(_("missing from the archive"))
        if path not in self._cache:
            self._cache[path] = self._render(path, media.get("kind", "photo"), media.get("alt", ""))
        return self._cache[path]

    def _render(self, path: str, kind: str, alt: str) -> Markup:
        data = self._load(path)
        name = path.rsplit("/", 1)[-1]
        if data is None:
            return Markup('<div class="media missing">{}</div>').format(_("{name} is missing").format(name=name))
        if kind == "photo":
            uri, problem = _thumbnail(data, name)
            if uri:
                return Markup('<img class="media" src="{}" alt="{}" title="{}">').format(uri, alt, name)
            said = _("{name} cannot be shown: {reason}").format(name=name, reason=problem)
            return Markup('<div class="media missing">{}</div>').format(said)
        if len(data) <= MAX_INLINE_VIDEO_BYTES:
            uri = "data:video/mp4;base64," + base64.b64encode(data).decode()
            loop = " autoplay loop muted" if kind == "animated_gif" else " controls"
            return Markup('<video class="media" src="{}"{} title="{}"></video>').format(uri, Markup(loop), name)
        # Translators: a video too large to show in the page: "video 123-abc.mp4 (4,194,304 bytes)".
        said = _("{kind} {name} ({size} bytes)").format(
            kind=_("GIF") if kind == "animated_gif" else _("video"), name=name, size=format_number(len(data))
        )
        return Markup('<div class="media video">{}</div>').format(said)


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
        return None, _("the image is damaged ({kind})").format(kind=type(error).__name__)
    mime = "image/png" if keep_alpha else "image/jpeg"
    return f"data:{mime};base64," + base64.b64encode(buffer.getvalue()).decode(), ""


# -- from a plan -----------------------------------------------------------------------------


def write_preview(
    archive: Archive, plan: MigrationPlan, target: Path, profiles: list[ProfileDraft] | None = None
) -> None:
    """Write the review page of a dry run's plan to `target`, with the new
    profiles on top when given. With a review applied, the page shows it: the
    tweets it left out (unticked), its texts and alt texts."""
    report = plan.selection.review
    threads = report.threads if report is not None else plan.selection.threads
    shown, next_day = page_threads(threads)
    on_page = {tweet.id for thread in shown for tweet in thread.tweets}
    drafts, shapes = [], {}
    for platform_plan in plan.platforms.values():
        for draft in platform_plan.drafts:
            if draft.tweet_id not in on_page:
                continue
            data = draft.to_json()
            data["length"] = draft.shown_length()
            thumb = getattr(draft, "card_thumb", None)
            if thumb and data.get("link_card"):  # the picture, inline: the page stays one file
                mime = data["link_card"].get("thumb", {}).get("mime_type", "image/jpeg")
                data["link_card"]["thumb_uri"] = f"data:{mime};base64," + base64.b64encode(thumb).decode()
            if draft.part == 0:
                shapes[(draft.tweet_id, draft.platform)] = _shape(draft)
            drafts.append(data)

    def load(path: str) -> bytes | None:
        try:
            return archive.read_media(path, limit=64 << 20)
        except ArchiveError:
            return None

    options = plan.options
    context = ReviewContext(
        archive_name=archive.source.location.name if getattr(archive, "source", None) else "ARCHIVE",
        alt_texts=options.alt_texts if options is not None else {},
        choices=report.choices if report is not None else {},
        originals=_originals(archive, shown),
        published=plan.published.ids if plan.published is not None else frozenset(),
        shapes=shapes,
        platforms={name: _counting(name, options) for name in plan.platforms},
        selected=sum(len(thread.tweets) for thread in threads),
        next_day=next_day,
    )
    page = render_preview(
        archive.account, shown, drafts, load, plan.selection.skipped, profiles=profiles, review=context
    )
    _write_page(target, page)


def _originals(archive: Archive, threads: Iterable[Thread]) -> dict[str, Tweet]:
    """The archive's own tweets behind the edited ones (a review's, or the
    text a published tweet went out with): the page shows them as on X."""
    originals = {}
    for thread in threads:
        for tweet in thread.tweets:
            original = archive.tweet(tweet.id) if hasattr(archive, "tweet") else None
            if original is not None and original is not tweet:
                originals[tweet.id] = original
    return originals


def page_threads(threads: Iterable[Thread], limit: int | None = None) -> tuple[list[Thread], str | None]:
    """The whole threads that fit in a page of `limit` tweets (MAX_PAGE_TWEETS;
    at least one thread), and the day of the first thread left for another page."""
    limit = limit or MAX_PAGE_TWEETS
    shown: list[Thread] = []
    count = 0
    for thread in threads:
        if shown and count + len(thread.tweets) > limit:
            return shown, thread.root.created_at.date().isoformat()
        shown.append(thread)
        count += len(thread.tweets)
    return shown, None


def _shape(draft) -> dict:
    """What surrounds the body in the first post of a tweet, for the script:
    the date note, the quote (as shown, and as measured: a quote that becomes
    an embed may still need room for a link), the reply line, the content warning."""
    from quittex.rewrite.pieces import render
    from quittex.rewrite.replycontext import reply_context_tokens

    source = draft.layout
    part = getattr(source, "part", None)
    if part is None:
        return {}
    note = render(part.meta).text.strip()
    if draft.parts > 1:
        note = _NUMBERING.sub("", note, count=1)
    shape = {
        "note": note,
        "quote": render(part.quote).text.strip(),
        "quoteMeasured": render(part.quote, measured=True).text.strip(),
        "spoiler": getattr(draft, "spoiler_text", "") or "",
        "prefix": "",
    }
    tweet = source.tweet
    if tweet.in_reply_to_id and not tweet.is_retweet:
        line = render(source.rules.body_pieces(reply_context_tokens(tweet, source.locale))).text
        if line.strip() and draft.text.startswith(line.strip()):
            shape["prefix"] = line
    return shape


def _counting(platform: str, options) -> dict:
    """How `platform` counts a post, and how it writes links and mentions, for the script."""
    from quittex.rewrite.options import MentionMode

    settings = options.platform(platform) if options is not None else REGISTRY[platform].settings()
    mentions = options.mentions if options is not None else MentionMode.PLAIN
    rule: dict[str, Any] = {
        "limit": settings.length_limit,
        "mentions": str(getattr(mentions, "value", mentions)),
        "noteCanSplit": bool(getattr(settings, "date_note_can_split", True)),
        "handles": {},
    }
    weight = getattr(settings, "characters_reserved_per_url", None)
    if weight is not None:  # links count as this many characters, written in full
        rule.update(urlWeight=weight, shortLinks=False, linkMention="url")
    else:  # links shown short (the full address in the facet); limits in graphemes and bytes
        rule.update(
            maxBytes=getattr(settings, "max_bytes", None),
            shortLinks=bool(getattr(settings, "shorten_links", True)),
            linkMention="text",
        )
    if options is not None:
        for handle, entry in options.handle_map.items():
            mapped = getattr(entry, platform, None)
            if mapped:
                rule["handles"][handle] = mapped
    return rule
