"""The few words quittex writes on a profile itself, in each language."""

from __future__ import annotations

# French sets a non-breaking space before a colon, so the colon never starts a line.
_ALSO_ON = {
    "fr": "Aussi sur {platform}\u00a0: {address}",
    "en": "Also on {platform}: {address}",
    "es": "También en {platform}: {address}",
    "it": "Anche su {platform}: {address}",
    "de": "Auch auf {platform}: {address}",
}
_WEBSITE = {"fr": "Site web", "en": "Website", "es": "Sitio web", "it": "Sito web", "de": "Website"}
_NEWSLETTER = {"fr": "Lettre d'info", "en": "Newsletter", "es": "Boletín", "it": "Newsletter", "de": "Newsletter"}
_OLD_X = {
    "fr": "Ancien compte X (archivé)",
    "en": "Old X account (archived)",
    "es": "Antigua cuenta de X (archivada)",
    "it": "Vecchio account X (archiviato)",
    "de": "Altes X-Konto (archiviert)",
}


def also_on(lang: str, platform: str, address: str) -> str:
    return _ALSO_ON.get(lang, _ALSO_ON["en"]).format(platform=platform, address=address)


def field_label(lang: str, kind: str) -> str:
    table = {"website": _WEBSITE, "newsletter": _NEWSLETTER, "old_x": _OLD_X}[kind]
    return table.get(lang, table["en"])
