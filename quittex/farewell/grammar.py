"""The grammar a farewell text needs around what the collective typed.

Two jobs, one module, used by every template of every language:

**The article a name takes.** French says "Nous sommes *le* Collectif Vélo",
"*du* Collectif", "*l'*Association", "*des* Amis", but "Attac quitte X";
Spanish, Italian and German have the same need, with their own contractions
(del, al; dello, all'; vom, zur). `name_with(article, name, lang, case)` writes
the name with the article of `lang` in the case the sentence needs:

- `"nominative"`: the subject or attribute ("le Collectif", "der Verein");
- `"of"`: after the language's "of" (du, de la, de l', des, d'Attac; del, de la;
  del, dello, dell', degli; vom, von der, von den; of the);
- `"to"`: after the language's "to" (au, à la, à l', aux; al, a la; al, allo,
  all'; zum, zur, zu den; to the);
- German also has `"accusative"` (den Verein) and `"dative"` (dem Verein). The
  name itself is never declined ("des Vereins"), so German templates keep to
  the nominative, and a German headline names the collective without article.

The article is stored as its nominative form in the language ("le", "l'",
"los", "gli", "das"…; German's plural is "die (plural)"), or "none".
`ARTICLES` lists them. `guess_article(name, lang)` proposes one from the name's
first word ("Collectif" → le, "Association" → l', "Amis" → les, a name with a
dot or in capitals → none), which `quittex init` pre-fills and `farewell`
uses when the project file gives none.

A name that already starts with its article ("Les Amis du Lavoir", "La
Quadrature du Net") keeps it as typed where the article stays as it is, and
contracts it where the language wants ("des Amis du Lavoir"); the article is
never doubled.

**Sentences typed by the collective.** `as_sentence(text)` makes a text that
starts a sentence start with a capital and end with its punctuation, changing
nothing else: the first letter of a plain lowercase first word is capitalised
(a link, a handle, "iPhone" or "paris-luttes.info" are left alone), and a final
full stop is added, or replaces a final comma, colon or semicolon.
`as_greeting(text, lang)` does the same for a letter's opening, which ends with
a comma (a colon in Spanish).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

Case = Literal["nominative", "of", "to", "accusative", "dative"]
CASES: tuple[str, ...] = ("nominative", "of", "to", "accusative", "dative")
NONE = "none"
GERMAN_PLURAL = "die (plural)"

# The articles of each language, as stored in the project file.
ARTICLES: dict[str, tuple[str, ...]] = {
    "fr": ("le", "la", "l'", "les", NONE),
    "en": ("the", NONE),
    "es": ("el", "la", "los", "las", NONE),
    "it": ("il", "lo", "la", "l'", "i", "gli", "le", NONE),
    "de": ("der", "die", "das", GERMAN_PLURAL, NONE),
}

# What people may type for "no article", in any language, and other spellings.
_NONE_WORDS = {"none", "no", "-", "aucun", "aucune", "sans", "ninguno", "sin", "nessuno", "senza", "kein", "keiner"}
_NONE_WORDS |= {"ohne", "rien", "nada", "niente", "non", "nein", "nothing"}
_SPELLINGS = {
    "l’": "l'",
    "l": "l'",
    "die plural": GERMAN_PLURAL,
    "die pl": GERMAN_PLURAL,
    "die pl.": GERMAN_PLURAL,
    "die (pl)": GERMAN_PLURAL,
    "die (pl.)": GERMAN_PLURAL,
    "plural": GERMAN_PLURAL,
}

# (lang, article) → the prefix for each case; "" writes the name alone.
# A prefix ending in an apostrophe is glued to the name (l'Association).
_FORMS: dict[tuple[str, str], dict[str, str]] = {
    ("fr", "le"): {"nominative": "le", "of": "du", "to": "au"},
    ("fr", "la"): {"nominative": "la", "of": "de la", "to": "à la"},
    ("fr", "l'"): {"nominative": "l'", "of": "de l'", "to": "à l'"},
    ("fr", "les"): {"nominative": "les", "of": "des", "to": "aux"},
    ("fr", NONE): {"nominative": "", "of": "de", "to": "à"},
    ("en", "the"): {"nominative": "the", "of": "of the", "to": "to the"},
    ("en", NONE): {"nominative": "", "of": "of", "to": "to"},
    ("es", "el"): {"nominative": "el", "of": "del", "to": "al"},
    ("es", "la"): {"nominative": "la", "of": "de la", "to": "a la"},
    ("es", "los"): {"nominative": "los", "of": "de los", "to": "a los"},
    ("es", "las"): {"nominative": "las", "of": "de las", "to": "a las"},
    ("es", NONE): {"nominative": "", "of": "de", "to": "a"},
    ("it", "il"): {"nominative": "il", "of": "del", "to": "al"},
    ("it", "lo"): {"nominative": "lo", "of": "dello", "to": "allo"},
    ("it", "la"): {"nominative": "la", "of": "della", "to": "alla"},
    ("it", "l'"): {"nominative": "l'", "of": "dell'", "to": "all'"},
    ("it", "i"): {"nominative": "i", "of": "dei", "to": "ai"},
    ("it", "gli"): {"nominative": "gli", "of": "degli", "to": "agli"},
    ("it", "le"): {"nominative": "le", "of": "delle", "to": "alle"},
    ("it", NONE): {"nominative": "", "of": "di", "to": "a"},
    ("de", "der"): {"nominative": "der", "accusative": "den", "dative": "dem", "of": "vom", "to": "zum"},
    ("de", "die"): {"nominative": "die", "accusative": "die", "dative": "der", "of": "von der", "to": "zur"},
    ("de", "das"): {"nominative": "das", "accusative": "das", "dative": "dem", "of": "vom", "to": "zum"},
    ("de", GERMAN_PLURAL): {
        "nominative": "die",
        "accusative": "die",
        "dative": "den",
        "of": "von den",
        "to": "zu den",
    },
    ("de", NONE): {"nominative": "", "accusative": "", "dative": "", "of": "von", "to": "zu"},
}

# Before a vowel, French and Italian elide: "le"/"la" become "l'", "du" "de l'".
_ELIDED = {
    "fr": {"le": "l'", "la": "l'", "du": "de l'", "de la": "de l'", "au": "à l'", "à la": "à l'", "de": "d'"},
    "it": {
        "il": "l'",
        "lo": "l'",
        "la": "l'",
        "del": "dell'",
        "dello": "dell'",
        "della": "dell'",
        "al": "all'",
        "allo": "all'",
        "alla": "all'",
    },
}
_VOWELS = set("aeiouyàâäáéèêëíìîïóòôöúùûüœæ")


def parse_article(value: str, lang: str) -> str:
    """The article as stored ("le", "l'", "none"…), from what a person typed
    ("Le", "l’", "aucun"); a ValueError names the articles of `lang`."""
    if lang not in ARTICLES:
        raise ValueError(f"no articles known in {lang!r}")
    text = " ".join(str(value).strip().lower().split())
    text = _SPELLINGS.get(text, text)
    if text in _NONE_WORDS or not text:
        return NONE
    if text in ARTICLES[lang]:
        return text
    raise ValueError(text)


def name_with(article: str | None, name: str, lang: str, case: str = "nominative", *, capitalized: bool = False) -> str:
    """`name` with `article` (None: the guess for `name`) as the `case` of `lang`
    needs it. `capitalized` for a sentence's first word: the article (or
    preposition) takes a capital; the name itself is never changed."""
    if article is None:
        article = guess_article(name, lang)
    forms = _FORMS.get((lang, article))
    if forms is None:
        raise ValueError(f"{article!r} is not an article of {lang!r}")
    if case not in forms:
        raise ValueError(f"no {case!r} case in {lang!r}: use one of {', '.join(forms)}")
    typed, rest = _split_leading_article(name, lang, article)
    prefix = forms[case]
    if typed is not None:
        nominative = forms["nominative"]
        # The article stays as the collective typed it where the language keeps
        # it whole ("de La Quadrature"), not where it contracts ("des Amis").
        if prefix == nominative or prefix.endswith(" " + nominative):
            prefix = prefix[: len(prefix) - len(nominative)] + typed
    if not prefix:
        return name
    prefix = _elided(prefix, rest, lang)
    written = prefix + rest if prefix.endswith(("'", "’")) else f"{prefix} {rest}"
    return _capitalized(written) if capitalized else written


def guess_article(name: str, lang: str) -> str:
    """The article `name` most likely takes in `lang`, from its first word."""
    words = name.strip().split()
    if lang not in ARTICLES or not words:
        return NONE
    first = words[0]
    if "." in name or "@" in name or (len(first) > 1 and first.isupper()):
        return NONE  # a web address or an acronym: Paris-luttes.info, ATTAC
    typed, rest = _leading_article(name, lang)
    if typed is not None:
        return typed
    key = first.lower().strip(",;:")
    if lang == "en":
        return NONE
    if lang == "de":
        return _german_article(key)
    for source in (lang, *(other for other in ("fr", "es", "it") if other != lang)):
        kind = _ROMANCE_NOUNS[source].get(key)
        if kind:
            return _romance_article(kind, key, lang)
    return NONE


def article_examples(article: str | None, name: str, lang: str) -> tuple[str, str]:
    """Two short ways the texts will write the name: ("le Collectif", "du Collectif")."""
    return name_with(article, name, lang), name_with(article, name, lang, "of")


# --- typed text fitted into a sentence --------------------------------------------------

_FINAL = ".!?…‽"
_CLOSING = "\"'”’»)]}›"
_OPENING = "\"'“‘«([{‹¿¡—–-*•  \u202f\t\n"
_SPACES = " \u00a0\u202f\t\n"
_TRAILING_PAUSE = re.compile(r"(?:\s*[,;:])+$")
_GREETING_END = ",:;.!?…"


def as_sentence(text: str | None) -> str | None:
    """`text` starting with a capital and ending with its punctuation."""
    if text is None:
        return None
    text = text.strip()
    if not text:
        return text
    return _end_sentence(_capitalize_first_word(text))


def as_greeting(text: str | None, lang: str) -> str | None:
    """A letter's opening: a capital, and a comma at the end (a colon in Spanish)
    unless it already ends with punctuation."""
    if text is None:
        return None
    text = _capitalize_first_word(text.strip())
    if text and text[-1] not in _GREETING_END and not _is_symbol(text[-1]):
        text += ":" if lang == "es" else ","
    return text


def _capitalize_first_word(text: str) -> str:
    start = 0
    while start < len(text) and text[start] in _OPENING:
        start += 1
    end = start
    while end < len(text) and not text[end].isspace():
        end += 1
    word = text[start:end].rstrip(_FINAL + _CLOSING + ",;:")
    if not _plain_lowercase_word(word):
        return text
    upper = word[0].upper()
    if len(upper) != 1:  # "ß" has no one-letter capital
        return text
    return text[:start] + upper + text[start + 1 :]


def _plain_lowercase_word(word: str) -> bool:
    """A word to capitalise: letters only (with hyphens and apostrophes), all
    lowercase. A link, a handle, a domain, "iPhone" or a number is left as it is."""
    if not word or not word[0].isalpha() or not word[0].islower():
        return False
    return all(char.isalpha() and not char.isupper() or char in "-'’" for char in word)


def _end_sentence(text: str) -> str:
    paused = _TRAILING_PAUSE.sub("", text)
    if not paused:
        return text  # nothing but a comma or a colon: left as typed
    last = paused.rstrip(_CLOSING + _SPACES)
    if not last or last[-1] in _FINAL or _is_symbol(last[-1]):
        return paused
    return paused + "."


def _is_symbol(char: str) -> bool:
    """An emoji or another symbol: a post may end with one, without a full stop."""
    return unicodedata.category(char) in ("So", "Sk") or char in "\ufe0f\u200d"


# --- articles: splitting, contracting, eliding -----------------------------------------


def _leading_article(name: str, lang: str) -> tuple[str | None, str]:
    """(the article `name` starts with, as stored; the rest), or (None, name)."""
    text = name.strip()
    for article in ARTICLES.get(lang, ()):
        if article == NONE:
            continue
        nominative = _FORMS[(lang, article)]["nominative"]
        found = _starts_with(text, nominative)
        if found is not None:
            if lang == "de" and article == "die" and _german_article(found.split()[0].lower()) == GERMAN_PLURAL:
                return GERMAN_PLURAL, found
            return article, found
    return None, name


def _split_leading_article(name: str, lang: str, article: str) -> tuple[str | None, str]:
    """(the article as the name types it, the rest) when the name starts with
    `article`'s nominative form ("Les" in "Les Amis du Lavoir"), else (None, name)."""
    if article == NONE:
        return None, name
    text = name.strip()
    nominative = _FORMS[(lang, article)]["nominative"]
    rest = _starts_with(text, nominative)
    if rest is None:
        return None, name
    return text[: len(text) - len(rest)].rstrip(), rest


def _starts_with(text: str, article: str) -> str | None:
    """The rest of `text` after `article` as its first word, or None."""
    if article.endswith("'"):
        stem = article[:-1]
        if len(text) > len(stem) + 1 and text[: len(stem)].lower() == stem and text[len(stem)] in "'’":
            rest = text[len(stem) + 1 :].lstrip()
            return rest or None
        return None
    head, _space, rest = text.partition(" ")
    if head.lower() == article and rest.strip():
        return rest.strip()
    return None


def _elided(prefix: str, rest: str, lang: str) -> str:
    table = _ELIDED.get(lang)
    if not table or not rest or rest[0].lower() not in _VOWELS:
        return prefix
    if lang == "fr" and rest[0].lower() == "y":
        return prefix  # "le Yoga", "de Yvelines Environnement"… y rarely elides
    return table.get(prefix.lower(), prefix)


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- guessing from the first word --------------------------------------------------------

# The nouns a collective's name often starts with: m/f for gender, s/p for number.
_ROMANCE_NOUNS: dict[str, dict[str, str]] = {
    "fr": {
        **dict.fromkeys(
            "collectif comité syndicat groupe groupement réseau atelier mouvement centre cercle club conseil "
            "front parti forum festival institut observatoire espace jardin local café bistrot cinéma théâtre "
            "foyer projet conservatoire rassemblement bureau secrétariat comptoir laboratoire labo lieu "
            "planning squat quartier village potager verger chantier journal média".split(),
            "ms",
        ),
        **dict.fromkeys(
            "association coordination fédération confédération union assemblée maison coopérative ligue "
            "alliance amicale fondation compagnie communauté coalition brigade chorale équipe cité "
            "bibliothèque ressourcerie recyclerie cantine caisse fabrique commission plateforme "
            "intersyndicale initiative école université société agence maison radio revue "
            "épicerie ferme marche vélorution".split(),
            "fs",
        ),
        **dict.fromkeys(
            "amis habitants voisins locataires parents usagers citoyens riverains jardins ateliers "
            "collectifs compagnons camarades militants bénévoles enfants".split(),
            "mp",
        ),
        **dict.fromkeys("amies habitantes voisines citoyennes militantes camarades".split(), "fp"),
    },
    "es": {
        **dict.fromkeys(
            "colectivo comité sindicato grupo movimiento centro ateneo frente partido club consejo "
            "observatorio taller espacio foro instituto jardín huerto proyecto local círculo "
            "laboratorio barrio festival".split(),
            "ms",
        ),
        **dict.fromkeys(
            "asociación coordinadora federación confederación unión red plataforma asamblea cooperativa "
            "fundación liga alianza casa comunidad coalición colectiva escuela biblioteca "
            "iniciativa marea mesa".split(),
            "fs",
        ),
        **dict.fromkeys("amigos vecinos ciudadanos usuarios jóvenes".split(), "mp"),
        **dict.fromkeys("amigas vecinas ciudadanas mujeres madres".split(), "fp"),
    },
    "it": {
        **dict.fromkeys(
            "collettivo comitato coordinamento sindacato gruppo movimento centro circolo fronte partito "
            "club consiglio osservatorio spazio laboratorio forum istituto giardino orto progetto "
            "sportello presidio festival".split(),
            "ms",
        ),
        **dict.fromkeys(
            "associazione federazione confederazione unione rete piattaforma assemblea cooperativa "
            "fondazione lega alleanza casa comunità coalizione collettiva officina ciclofficina "
            "scuola biblioteca iniziativa".split(),
            "fs",
        ),
        **dict.fromkeys("amici cittadini abitanti studenti genitori volontari".split(), "mp"),
        **dict.fromkeys("amiche cittadine donne madri".split(), "fp"),
    },
}

# German: the last part of the first word decides ("Fahrradinitiative" → die).
_GERMAN_NOUNS: dict[str, str] = {
    **dict.fromkeys(
        "verein verband kreis rat bund club klub laden treff stammtisch freundeskreis arbeitskreis "
        "ausschuss beirat zusammenschluss garten".split(),
        "der",
    ),
    **dict.fromkeys(
        "initiative gruppe gesellschaft stiftung genossenschaft gemeinschaft werkstatt bewegung partei "
        "allianz koalition aktion plattform kampagne vereinigung liga union front "
        "fahrradwerkstatt selbsthilfe".split(),
        "die",
    ),
    **dict.fromkeys(
        "bündnis kollektiv netzwerk forum komitee zentrum haus café projekt büro institut "
        "aktionsbündnis kino theater".split(),
        "das",
    ),
    **dict.fromkeys("freunde freundinnen nachbarn eltern omas aktivisten".split(), GERMAN_PLURAL),
}
_GERMAN_FEMININE_ENDINGS = ("ung", "heit", "keit", "schaft", "tion", "ität")


def _german_article(word: str) -> str:
    for noun in sorted(_GERMAN_NOUNS, key=len, reverse=True):
        if word.endswith(noun):
            return _GERMAN_NOUNS[noun]
    if len(word) > 4 and word.endswith(_GERMAN_FEMININE_ENDINGS):
        return "die"
    return NONE


def _romance_article(kind: str, word: str, lang: str) -> str:
    """The article of a noun of gender/number `kind` ("ms", "fp"…) starting like `word`."""
    gender, number = kind
    vowel = word[:1] in _VOWELS and not (lang == "fr" and word[:1] == "y")
    if lang == "fr":
        if number == "p":
            return "les"
        return "l'" if vowel else ("le" if gender == "m" else "la")
    if lang == "es":
        return {"ms": "el", "fs": "la", "mp": "los", "fp": "las"}[kind]
    if lang == "it":
        strong = bool(re.match(r"(s[^aeiouàèéìòù]|z|gn|ps|pn|x|y)", word))
        if number == "p":
            return "le" if gender == "f" else ("gli" if vowel or strong else "i")
        if vowel:
            return "l'"
        return "la" if gender == "f" else ("lo" if strong else "il")
    return NONE


__all__ = [
    "ARTICLES",
    "CASES",
    "GERMAN_PLURAL",
    "NONE",
    "article_examples",
    "as_greeting",
    "as_sentence",
    "guess_article",
    "name_with",
    "parse_article",
]
