"""The farewell kit: the texts a collective posts when it leaves X.

`render_farewell(config, formats=..., lang=...)` renders the shipped Jinja2
templates (`templates/<lang>/<format>.j2`) or a collective's own, and checks
every text against its platform's limit (see `limits`).

Variables every template receives:

- `name` (as the collective typed it), `description`, `lang`
- `article`: the article the name takes in `lang` ("le", "l'", "el", "gli",
  "das", "none"…: `[collective] article`, else guessed from the name), and
  `plural`: whether the name takes a plural verb ("Les Amis du Lavoir quittent X")
- `mastodon`, `bluesky`: None or an account with `.handle` (`@user@instance`,
  `@name.bsky.social`) and `.url` (its profile page)
- `website`: None or a URL; `newsletter`: None or `.url` and `.subscribe`
  (how to subscribe, in the collective's words; either may be None)
- `date` (the leaving date written out in `lang`) and `date_iso`, or None
- `reasons`: the chosen presets, each with `.key`, `.title`, `.short`, `.long`;
  `own_reason`: the collective's own text, or None
- `x_account`: "closed" or "dormant"; `republish_archive`: true or false
- `greeting`: the letter's opening chosen by the collective, or None

The collective's own texts (`description`, `own_reason`, `newsletter.subscribe`,
`greeting`) come fitted into a sentence: a capital first, a full stop at the end
(a greeting ends with a comma). One written in another language only is left
out (None), unless `render_farewell(..., other_languages=True)`.
- `platform`: "x", "mastodon", "bluesky", "web" (the long text) or "letter"
- `detail`: "full", then "short", then "minimal" while a post does not fit

Filters: `and_list` ("a, b and c" in the language), `capfirst`, `bare` (a URL
without its scheme), `sentence` (a text fitted as a sentence), and
`with_article`, for the collective's name in a sentence (see `grammar`):
`{{ name | with_article }}` → "le Collectif Vélo", `{{ name | with_article("of") }}`
→ "du Collectif Vélo", `{{ name | with_article("to") }}` → "au Collectif Vélo",
`{{ name | with_article(capitalized=true) }}` → "Le Collectif Vélo", to start a
sentence. German texts keep to the nominative (the name itself is never declined).
"""

from typing import Any

# Every name comes from `render`, imported on first use (Jinja2 and the project
# file's models take a tenth of a second): a command that only needs `grammar`
# or `presets` does not pay for it.
__all__ = [
    "DETAILS",
    "FORMATS",
    "CustomTemplate",
    "FarewellKit",
    "FarewellText",
    "Post",
    "TextTooLongError",
    "read_template",
    "render_farewell",
    "template_variables",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from quittex.farewell import render

        return getattr(render, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
