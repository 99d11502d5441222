"""The farewell kit: the texts a collective posts when it leaves X.

`render_farewell(config, formats=..., lang=...)` renders the shipped Jinja2
templates (`templates/<lang>/<format>.j2`) or a collective's own, and checks
every text against its platform's limit (see `limits`).

Variables every template receives:

- `name`, `description`, `lang`
- `mastodon`, `bluesky`: None or an account with `.handle` (`@user@instance`,
  `@name.bsky.social`) and `.url` (its profile page)
- `website`: None or a URL; `newsletter`: None or `.url` and `.subscribe`
  (how to subscribe, in the collective's words; either may be None)
- `date` (the leaving date written out in `lang`) and `date_iso`, or None
- `reasons`: the chosen presets, each with `.key`, `.title`, `.short`, `.long`;
  `own_reason`: the collective's own text, or None
- `x_account`: "closed" or "dormant"; `republish_archive`: true or false
- `greeting`: the letter's opening chosen by the collective, or None
- `platform`: "x", "mastodon", "bluesky", "web" (the long text) or "letter"
- `detail`: "full", then "short", then "minimal" while a post does not fit

Filters: `and_list` ("a, b and c" in the language), `capfirst`, `bare` (a URL
without its scheme).
"""

from quittex.farewell.render import (
    DETAILS,
    FORMATS,
    CustomTemplate,
    FarewellKit,
    FarewellText,
    Post,
    TextTooLongError,
    read_template,
    render_farewell,
    template_variables,
)

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
