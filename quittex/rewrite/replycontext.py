"""A reply to someone else says what it answered: a line in the reader's
language naming the person (made harmless like any mention) and linking to
the tweet on X ("↩️ En réponse à ＠voisine sur X : https://x.com/…").

The line is made of ordinary tokens, so the planner measures and places it
like the rest of the post, within the platform's limit. The mention of the
person that opened the reply on X is dropped from the body: the line names them.
"""

from __future__ import annotations

from quittex.models import Tweet
from quittex.rewrite.tokens import Token

REPLY_TEMPLATES: dict[str, str] = {
    "fr": "↩️ En réponse à {name} sur X : {url}",
    "en": "↩️ In reply to {name} on X: {url}",
    "es": "↩️ En respuesta a {name} en X: {url}",
    "it": "↩️ In risposta a {name} su X: {url}",
    "de": "↩️ Antwort an {name} auf X: {url}",
}


def answered_url(tweet: Tweet) -> str:
    name = tweet.in_reply_to_screen_name
    if name:
        return f"https://x.com/{name}/status/{tweet.in_reply_to_id}"
    return f"https://x.com/i/web/status/{tweet.in_reply_to_id}"


def reply_context_tokens(tweet: Tweet, locale: str) -> list[Token]:
    """The line, then a paragraph break; the person as a mention token (shown
    per `--mentions`), or their account id's profile link when X gave no name."""
    name = tweet.in_reply_to_screen_name
    person = Token("mention", f"@{name}", name) if name else Token("text", "X")
    before, _, after = REPLY_TEMPLATES[locale].partition("{name}")
    middle, _, end = after.partition("{url}")
    url = answered_url(tweet)
    return [Token("text", before), person, Token("text", middle), Token("link", url, url), Token("text", end + "\n\n")]


def without_opening_mention(tokens: list[Token], screen_name: str | None) -> list[Token]:
    """The body without the "@name" of the person answered, where X put it first."""
    if not screen_name:
        return tokens
    start = 0
    while start < len(tokens) and tokens[start].kind == "text" and not tokens[start].text.strip():
        start += 1
    if start < len(tokens) and tokens[start].kind == "mention" and tokens[start].value.lower() == screen_name.lower():
        rest = tokens[start + 1 :]
        if rest and rest[0].kind == "text":
            rest = [Token("text", rest[0].text.lstrip()), *rest[1:]]
        return rest
    return tokens
