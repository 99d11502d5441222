"""Build what each new account's profile should say, offline.

Every field is built from the first source that gives it, and remembers which
(shown in the dry run): an option, then the project file's `[profile]`, then the
X profile in the archive, then the rest of the project file. A field no source
gives is left as it is on the account. Texts are fitted to each platform's
limits by shortening the collective's own words, never the addresses added
after them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quittex.archive.profile import ProfileImage, XProfile
from quittex.config import ProjectConfig, bluesky_profile_url, pick_language
from quittex.errors import BadInputError
from quittex.i18n import _, ngettext
from quittex.media.errors import MediaError
from quittex.media.images import read_media_file
from quittex.media.profile_images import ImageShape, ProfilePicture, prepare_profile_image
from quittex.profile import texts
from quittex.rewrite.rules import SAFE_AT
from quittex.rewrite.tokens import UNMARKED_MENTION
from quittex.text import clip_text, grapheme_count, utf8_len
from quittex.vocabulary import MentionMode

_TCO = re.compile(r"https?://t\.co/[A-Za-z0-9]+")
_SPACES = re.compile(r"[ \t]{2,}")
_MENTION = re.compile(r"(?<![=/\w])[@＠]([A-Za-z0-9_]{1,50})")


@dataclass(frozen=True)
class TextLimits:
    """How long a platform lets one profile text be."""

    max_graphemes: int | None = None
    max_characters: int | None = None
    max_bytes: int | None = None
    url_weight: int | None = None  # Mastodon counts every URL as this many characters

    def length(self, text: str) -> int:
        if self.url_weight is not None:
            from quittex.rewrite.measure import mastodon_length

            return mastodon_length(text, url_weight=self.url_weight)
        return grapheme_count(text) if self.max_graphemes is not None else len(text)

    def fits(self, text: str) -> bool:
        if self.max_bytes is not None and utf8_len(text) > self.max_bytes:
            return False
        if self.max_characters is not None and len(text) > self.max_characters:
            return False
        return self.max_graphemes is None or self.length(text) <= self.max_graphemes

    def clip(self, text: str) -> str:
        """`text` shortened (ending in "…") until it fits."""
        return text if self.fits(text) else longest_start(text, self.fits)

    def describe(self) -> str:
        limit = self.max_graphemes or self.max_characters
        if not limit:
            return _("no limit")
        return ngettext("{count} character", "{count} characters", limit).format(count=limit)


@dataclass(frozen=True)
class ProfileRules:
    """What one platform's profile holds and how much of it."""

    platform: str
    label: str
    name: TextLimits
    description: TextLimits
    avatar: ImageShape
    banner: ImageShape
    max_fields: int = 0  # labelled links beside the bio (Mastodon); 0: none, links go in the bio
    field_max_characters: int = 255
    has_bot_flag: bool = False


@dataclass
class Built:
    """One text of the profile: its value (None: left as it is) and where it came from."""

    value: str | None
    source: str  # as a person reads it (in the run's language)
    shortened_from: int | None = None  # its length before it was shortened

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "source": self.source, "shortened_from": self.shortened_from}


@dataclass
class BuiltImage:
    kind: str  # avatar | banner
    source: str  # where it came from, as a person reads it
    picture: ProfilePicture

    def to_json(self) -> dict[str, Any]:
        image = self.picture.image
        return {
            "source": self.source,
            "width": image.width,
            "height": image.height,
            "bytes": image.size,
            "mime_type": image.mime_type,
            "digest": self.picture.digest,
            "done": self.picture.describe(),
        }


@dataclass
class ProfileDraft:
    """The profile one platform's account should get."""

    platform: str
    label: str
    lang: str
    display_name: Built
    description: Built
    fields: list[tuple[str, str]] | None = None  # None: the account's own fields are left alone
    avatar: BuiltImage | None = None
    banner: BuiltImage | None = None
    bot: bool | None = None
    pin_intro: bool = True
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "platform": self.platform,
            "lang": self.lang,
            "display_name": self.display_name.to_json(),
            "description": self.description.to_json(),
            "fields": [{"name": name, "value": value} for name, value in self.fields] if self.fields else None,
            "avatar": self.avatar.to_json() if self.avatar else None,
            "banner": self.banner.to_json() if self.banner else None,
            "bot": self.bot,
            "pin_intro": self.pin_intro,
            "notes": self.notes,
        }


@dataclass(frozen=True)
class ProfileOverrides:
    """The command line's word on each field (None: not given)."""

    display_name: str | None = None
    bio: str | None = None
    website: str | None = None
    avatar: Path | None = None
    banner: Path | None = None
    no_avatar: bool = False
    no_banner: bool = False
    bot: bool | None = None
    pin_intro: bool | None = None


def build_profiles(
    x_profile: XProfile | None,
    project: ProjectConfig,
    platforms: list[str],
    *,
    lang: str | None = None,
    overrides: ProfileOverrides = ProfileOverrides(),
    rules: dict[str, ProfileRules] | None = None,
) -> list[ProfileDraft]:
    """One draft per platform, in the order given. Raises BadInputError when
    the archive or a file given holds something that must not be published
    (a damaged image, a bio no X account can have), before anything is sent."""
    from quittex.profile.platforms import profile_rules

    lang = lang or project.collective.language or "en"
    if x_profile is not None and x_profile.problems:
        _refuse_problems(x_profile, project, overrides)
    images: dict[tuple[str, str], ProfilePicture] = {}
    drafts = []
    for name in platforms:
        platform_rules = (rules or {}).get(name) or profile_rules(name)
        drafts.append(_draft(x_profile, project, platform_rules, lang, overrides, images))
    return drafts


def _refuse_problems(x_profile: XProfile, project: ProjectConfig, overrides: ProfileOverrides) -> None:
    bio_given = overrides.bio or project.profile.bio
    # A bio given by the collective replaces the archive's, whatever was wrong with it.
    problems = [
        sentence
        for sentence, about in zip(x_profile.problems, x_profile.problem_fields, strict=True)
        if not (bio_given and about == "bio")
    ]
    if problems:
        raise BadInputError(
            " ".join(problems),
            hint=_(
                "Give the field yourself (--bio, --avatar FILE, or [profile] in quittex.toml), "
                "or leave the image out with --no-avatar / --no-banner."
            ),
        )


def _draft(
    x_profile: XProfile | None,
    project: ProjectConfig,
    rules: ProfileRules,
    lang: str,
    overrides: ProfileOverrides,
    images: dict,
) -> ProfileDraft:
    notes = list(x_profile.notes) if x_profile else [_("No archive given: everything comes from the project file.")]
    website = _website(x_profile, project, overrides)
    draft = ProfileDraft(
        rules.platform,
        rules.label,
        lang,
        display_name=_display_name(x_profile, project, overrides, rules),
        description=Built(None, _("nothing: left as it is")),
        bot=_bot(project, overrides, rules),
        pin_intro=overrides.pin_intro if overrides.pin_intro is not None else project.profile.pin_intro,
        notes=notes,
    )
    bio = _bio(x_profile, project, overrides, lang, website.value, notes)
    links = _links(project, rules, lang, website.value, x_profile, notes)
    draft.description = _description(bio, links.in_bio, rules, notes)
    draft.fields = links.fields
    draft.avatar = _image("avatar", rules.avatar, x_profile, project, overrides, images, notes)
    draft.banner = _image("banner", rules.banner, x_profile, project, overrides, images, notes)
    return draft


# -- texts -------------------------------------------------------------------------
def _display_name(x_profile, project: ProjectConfig, overrides: ProfileOverrides, rules: ProfileRules) -> Built:
    candidates = [
        (overrides.display_name, _("the --name option")),
        (project.profile.display_name, _("quittex.toml [profile] display_name")),
        (x_profile.display_name if x_profile else None, _("the X profile (account.js)")),
        (project.collective.name, _("quittex.toml [collective] name")),
        (x_profile.username if x_profile else None, _("the X username")),
    ]
    for value, source in candidates:
        if value and value.strip():
            return _fitted(_one_line(value), source, rules.name)
    return Built(None, _("nothing: left as it is"))


def _bio(x_profile, project, overrides, lang, website, notes) -> Built:
    own = pick_language(project.profile.bio, lang, project.collective.language)
    if overrides.bio:
        return Built(overrides.bio.strip(), _("the --bio option"))
    if own:
        return Built(own, _("quittex.toml [profile] bio"))
    if x_profile is not None and x_profile.bio:
        return Built(_x_bio(x_profile, project, website, notes), _("the X bio (profile.js)"))
    described = pick_language(project.collective.description, lang, project.collective.language)
    if described:
        return Built(described, _("quittex.toml [collective] description"))
    # Translators: where a profile text comes from: none of the sources gives it.
    return Built(None, _("nothing"))


def _x_bio(x_profile: XProfile, project: ProjectConfig, website: str | None, notes: list[str]) -> str:
    """The X bio with its t.co links led to where they go, and its mentions
    made harmless the way posts make them (`[migrate] mentions`)."""

    def expand(match: re.Match) -> str:
        link = match.group()
        if link in x_profile.links:
            return x_profile.links[link]
        if link == x_profile.website and website:
            return website
        note = _("The X bio's link {link} leads to a page the archive does not name: left out.")
        notes.append(note.format(link=link))
        return ""

    text = _TCO.sub(expand, x_profile.bio or "")
    mode = project.migrate.mentions or MentionMode.PLAIN
    if mode == MentionMode.LINK:
        text = _MENTION.sub(lambda m: f"https://x.com/{m[1]}", text)
    elif mode == MentionMode.DROP:
        text = _MENTION.sub(lambda m: m[1], text)
    else:
        text = UNMARKED_MENTION.sub(SAFE_AT, text)
    return _SPACES.sub(" ", text).strip()


def _website(x_profile, project: ProjectConfig, overrides: ProfileOverrides) -> Built:
    if overrides.website:
        return Built(overrides.website, _("the --website option"))
    if project.addresses.website:
        return Built(project.addresses.website, _("quittex.toml [addresses] website"))
    if x_profile is not None and x_profile.website in x_profile.links:
        return Built(x_profile.links[x_profile.website], _("the X profile's website"))
    return Built(None, _("nothing"))


@dataclass
class _Links:
    in_bio: list[str]  # lines after the bio, in order of importance
    fields: list[tuple[str, str]] | None


def _links(
    project: ProjectConfig, rules: ProfileRules, lang: str, website: str | None, x_profile, notes: list[str]
) -> _Links:
    """The collective's other addresses: labelled fields where the platform has
    them, lines after the bio otherwise."""
    addresses = project.addresses
    if rules.max_fields:
        wanted = [
            (texts.field_label(lang, "website"), website),
            ("Bluesky", bluesky_profile_url(addresses.bluesky) if addresses.bluesky else None),
            (texts.field_label(lang, "old_x"), x_profile.x_url if x_profile else None),
            (texts.field_label(lang, "newsletter"), addresses.newsletter),
        ]
        fields = [(name, value[: rules.field_max_characters]) for name, value in wanted if value]
        for name, _value in fields[rules.max_fields :]:
            notes.append(
                _("{platform}: the server allows {count} profile fields, so “{field}” is left out.").format(
                    platform=rules.label, count=rules.max_fields, field=name
                )
            )
        return _Links([], fields[: rules.max_fields] or None)
    lines = []
    if addresses.mastodon:
        lines.append(texts.also_on(lang, "Mastodon", addresses.mastodon))
    if website:
        lines.append(website)
    return _Links(lines, None)


def _description(bio: Built, lines: list[str], rules: ProfileRules, notes: list[str]) -> Built:
    if bio.value is None and not lines:
        return Built(None, _("nothing: left as it is"))
    limits = rules.description
    tail = "\n".join(lines)
    while lines and not limits.fits(tail):  # an address longer than the whole bio: keep what fits
        notes.append(
            _("{platform}: “{line}” does not fit in the bio: left out.").format(platform=rules.label, line=lines.pop())
        )
        tail = "\n".join(lines)
    source = _("{source} and quittex.toml [addresses]").format(source=bio.source) if lines else bio.source
    if not bio.value:
        return Built(tail, _("quittex.toml [addresses]"))
    whole = f"{bio.value}\n\n{tail}" if tail else bio.value
    if limits.fits(whole):
        return Built(whole, source)
    room = _room_for(bio.value, tail, limits)
    shortened = Built(f"{room}\n\n{tail}" if tail else room, source, shortened_from=limits.length(bio.value))
    notes.append(
        # Translators: {limit} is "500 characters" or "no limit".
        _("{platform}: the bio was shortened to fit {limit}.").format(platform=rules.label, limit=limits.describe())
    )
    return shortened


def _room_for(bio: str, tail: str, limits: TextLimits) -> str:
    """The longest start of `bio` that fits before `tail`."""
    return longest_start(bio, lambda start: limits.fits(f"{start}\n\n{tail}" if tail else start))


def longest_start(text: str, fits) -> str:
    """The longest start of `text`, cut between graphemes and ended with "…",
    that `fits` (a bisection: the measure is the platform's, not ours to invert)."""
    low, high, best = 1, len(text), clip_text(text, max_characters=1)
    while low <= high:
        middle = (low + high) // 2
        candidate = clip_text(text, max_characters=middle)
        if fits(candidate):
            best, low = candidate, middle + 1
        else:
            high = middle - 1
    return best


def _fitted(value: str, source: str, limits: TextLimits) -> Built:
    if limits.fits(value):
        return Built(value, source)
    return Built(limits.clip(value), source, shortened_from=limits.length(value))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _bot(project: ProjectConfig, overrides: ProfileOverrides, rules: ProfileRules) -> bool | None:
    if not rules.has_bot_flag:
        return None
    return overrides.bot if overrides.bot is not None else project.profile.bot


# -- images --------------------------------------------------------------------------
def _image(kind, shape, x_profile, project, overrides, images, notes) -> BuiltImage | None:
    if overrides.no_avatar if kind == "avatar" else overrides.no_banner:
        return None
    source = _image_source(kind, x_profile, project, overrides)
    if source is None:
        return None
    label, data, name = source
    key = (label, f"{shape.platform}/{shape.kind}")
    if key not in images:
        try:
            images[key] = prepare_profile_image(data, shape, name=name)
        except MediaError as error:
            if kind == "avatar":
                message = _("The avatar cannot be used: {reason}.")
            else:
                message = _("The banner cannot be used: {reason}.")
            raise BadInputError(
                message.format(reason=error.message),
                # Translators: {kind} is part of the option names (--avatar, --no-avatar): keep it as is.
                hint=_("Give another image with --{kind} FILE, or leave it out with --no-{kind}.").format(kind=kind),
            ) from None
    return BuiltImage(kind, label, images[key])


def _image_source(kind, x_profile, project, overrides) -> tuple[str, bytes, str] | None:
    given = overrides.avatar if kind == "avatar" else overrides.banner
    # Translators: where a profile image comes from; {kind} is avatar or banner, an option or setting name.
    source = _("the --{kind} option ({file})")
    if given is None:
        given = project.profile.path(getattr(project.profile, kind), project.source)
        source = _("quittex.toml [profile] {kind} ({file})")
    if given is not None:
        return source.format(kind=kind, file=given.name), read_media_file(given, name=str(given)), str(given)
    image: ProfileImage | None = getattr(x_profile, kind) if x_profile else None
    if image is None:
        return None
    return _("the X profile ({file})").format(file=image.path.rsplit("/", 1)[-1]), image.data, image.path
