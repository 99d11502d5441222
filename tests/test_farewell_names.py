"""The farewell texts read as a person wrote them: the collective's name with the
article each language gives it, in every template; the collective's own texts
fitted into the sentences around them; and a text written in one language never
pasted silently into another."""

from __future__ import annotations

import json

import pytest

from quittex.config import ProjectConfig, config_from_data
from quittex.errors import BadInputError
from quittex.farewell import CustomTemplate, render_farewell
from quittex.farewell.context import MissingText
from tests.cli_helpers import run_cli

# (lang, name, article in the project file or None to let quittex guess,
#  intro, heading of the long text, start of the thread, start of the X bio)
GOLDEN = [
    # French
    ("fr", "Attac", None,
     "Nous sommes Attac.", "# Attac quitte X", "🧵 Nous, Attac, quittons X.", "Attac a quitté X."),
    ("fr", "Paris-luttes.info", None,
     "Nous sommes Paris-luttes.info.", "# Paris-luttes.info quitte X", "🧵 Nous, Paris-luttes.info, quittons X.",
     "Paris-luttes.info a quitté X."),
    ("fr", "Collectif Vélo Lumière", None,
     "Nous sommes le Collectif Vélo Lumière.", "# Le Collectif Vélo Lumière quitte X",
     "🧵 Nous, le Collectif Vélo Lumière, quittons X.", "Le Collectif Vélo Lumière a quitté X."),
    ("fr", "Coordination Vélo", "la",
     "Nous sommes la Coordination Vélo.", "# La Coordination Vélo quitte X",
     "🧵 Nous, la Coordination Vélo, quittons X.", "La Coordination Vélo a quitté X."),
    ("fr", "Association Vélo", None,
     "Nous sommes l'Association Vélo.", "# L'Association Vélo quitte X",
     "🧵 Nous, l'Association Vélo, quittons X.", "L'Association Vélo a quitté X."),
    ("fr", "Amis du Lavoir", None,
     "Nous sommes les Amis du Lavoir.", "# Les Amis du Lavoir quittent X",
     "🧵 Nous, les Amis du Lavoir, quittons X.", "Les Amis du Lavoir ont quitté X."),
    # Spanish
    ("es", "Attac", None,
     "Somos Attac.", "# Attac deja X", "🧵 Desde Attac dejamos X.", "Attac ha dejado X."),
    ("es", "Colectivo Bici", None,
     "Somos el Colectivo Bici.", "# El Colectivo Bici deja X", "🧵 Desde el Colectivo Bici dejamos X.",
     "El Colectivo Bici ha dejado X."),
    ("es", "Asociación Vecinal", None,
     "Somos la Asociación Vecinal.", "# La Asociación Vecinal deja X", "🧵 Desde la Asociación Vecinal dejamos X.",
     "La Asociación Vecinal ha dejado X."),
    ("es", "Amigos del Parque", None,
     "Somos los Amigos del Parque.", "# Los Amigos del Parque dejan X", "🧵 Desde los Amigos del Parque dejamos X.",
     "Los Amigos del Parque han dejado X."),
    ("es", "Amigas de la Bici", None,
     "Somos las Amigas de la Bici.", "# Las Amigas de la Bici dejan X", "🧵 Desde las Amigas de la Bici dejamos X.",
     "Las Amigas de la Bici han dejado X."),
    # Italian: the thread says "noi del…", where the article contracts with di
    ("it", "Attac", None,
     "Siamo Attac.", "# Attac lascia X", "🧵 Noi di Attac lasciamo X.", "Attac ha lasciato X."),
    ("it", "Collettivo Bici", None,
     "Siamo il Collettivo Bici.", "# Il Collettivo Bici lascia X", "🧵 Noi del Collettivo Bici lasciamo X.",
     "Il Collettivo Bici ha lasciato X."),
    ("it", "Spazio Sociale", None,
     "Siamo lo Spazio Sociale.", "# Lo Spazio Sociale lascia X", "🧵 Noi dello Spazio Sociale lasciamo X.",
     "Lo Spazio Sociale ha lasciato X."),
    ("it", "Rete Ciclabile", None,
     "Siamo la Rete Ciclabile.", "# La Rete Ciclabile lascia X", "🧵 Noi della Rete Ciclabile lasciamo X.",
     "La Rete Ciclabile ha lasciato X."),
    ("it", "Associazione Ciclisti", None,
     "Siamo l'Associazione Ciclisti.", "# L'Associazione Ciclisti lascia X",
     "🧵 Noi dell'Associazione Ciclisti lasciamo X.", "L'Associazione Ciclisti ha lasciato X."),
    ("it", "Ciclisti Urbani", "i",
     "Siamo i Ciclisti Urbani.", "# I Ciclisti Urbani lasciano X", "🧵 Noi dei Ciclisti Urbani lasciamo X.",
     "I Ciclisti Urbani hanno lasciato X."),
    ("it", "Amici della Terra", None,
     "Siamo gli Amici della Terra.", "# Gli Amici della Terra lasciano X",
     "🧵 Noi degli Amici della Terra lasciamo X.", "Gli Amici della Terra hanno lasciato X."),
    ("it", "Amiche del Parco", None,
     "Siamo le Amiche del Parco.", "# Le Amiche del Parco lasciano X", "🧵 Noi delle Amiche del Parco lasciamo X.",
     "Le Amiche del Parco hanno lasciato X."),
    # German: a headline names the collective without article, as newspapers do
    ("de", "Attac", None,
     "Wir sind Attac.", "# Attac verlässt X", "🧵 Wir verlassen X – wir, Attac.", "Attac hat X verlassen."),
    ("de", "Verein Radfreunde", None,
     "Wir sind der Verein Radfreunde.", "# Verein Radfreunde verlässt X",
     "🧵 Wir verlassen X – wir, der Verein Radfreunde.", "Der Verein Radfreunde hat X verlassen."),
    ("de", "Fahrradinitiative Nord", None,
     "Wir sind die Fahrradinitiative Nord.", "# Fahrradinitiative Nord verlässt X",
     "🧵 Wir verlassen X – wir, die Fahrradinitiative Nord.", "Die Fahrradinitiative Nord hat X verlassen."),
    ("de", "Kollektiv Rad", None,
     "Wir sind das Kollektiv Rad.", "# Kollektiv Rad verlässt X", "🧵 Wir verlassen X – wir, das Kollektiv Rad.",
     "Das Kollektiv Rad hat X verlassen."),
    ("de", "Omas gegen Rechts", None,
     "Wir sind die Omas gegen Rechts.", "# Omas gegen Rechts verlassen X",
     "🧵 Wir verlassen X – wir, die Omas gegen Rechts.", "Die Omas gegen Rechts haben X verlassen."),
    # English
    ("en", "Attac", None,
     "We are Attac.", "# Attac is leaving X", "🧵 We, Attac, are leaving X.", "Attac has left X."),
    ("en", "Cycling Collective", "the",
     "We are the Cycling Collective.", "# The Cycling Collective is leaving X",
     "🧵 We, the Cycling Collective, are leaving X.", "The Cycling Collective has left X."),
]  # fmt: skip


def project(name: str, lang: str, article: str | None = None, **sections) -> ProjectConfig:
    collective = {"name": name, "language": lang, **({"article": {lang: article}} if article else {})}
    return config_from_data(
        {"collective": collective, "addresses": {"mastodon": "@velo@mamot.fr"}, **sections},
    )


def text_of(config: ProjectConfig, fmt: str, lang: str | None = None, **options) -> str:
    kit = render_farewell(config, formats=[fmt], lang=lang, **options)
    return "\n\n".join(text.text for text in kit.texts)


@pytest.mark.parametrize(("lang", "name", "article", "intro", "heading", "thread", "bio"), GOLDEN)
def test_every_template_gives_the_name_its_article(lang, name, article, intro, heading, thread, bio):
    config = project(name, lang, article)
    assert intro in text_of(config, "intro")
    assert text_of(config, "long").startswith(heading + "\n")
    assert text_of(config, "thread").startswith(thread)
    (bio_text,) = render_farewell(config, formats=["bio"]).texts
    assert bio_text.detail == "full" and bio_text.text.startswith(bio)
    letter = text_of(config, "letter")
    assert intro in letter or intro[0].lower() + intro[1:] in letter  # "wir sind…" after "Sehr geehrte…,"


def test_the_signature_is_the_name_as_typed():
    letter = text_of(project("Collectif Vélo Lumière", "fr"), "letter")
    assert letter.endswith("\n\nCollectif Vélo Lumière")
    assert text_of(project("Collectif Vélo Lumière", "fr"), "long").endswith("— Collectif Vélo Lumière")


def test_a_name_that_starts_with_its_article_never_doubles_it():
    config = project("Les Amis du Lavoir", "fr")
    assert "Nous sommes Les Amis du Lavoir." in text_of(config, "intro")
    assert text_of(config, "long").startswith("# Les Amis du Lavoir quittent X")
    assert "les Les" not in text_of(config, "thread")


def test_the_article_of_the_project_file_wins_over_the_guess():
    config = project("Collectif Vélo Lumière", "fr", "none")
    assert text_of(config, "long").startswith("# Collectif Vélo Lumière quitte X")
    kit = render_farewell(config, formats=["x"])
    assert kit.article.article == "none" and not kit.article.guessed
    guessed = render_farewell(project("Collectif Vélo Lumière", "fr"), formats=["x"]).article
    assert guessed.article == "le" and guessed.guessed


def test_each_language_has_its_own_article():
    config = config_from_data(
        {
            "collective": {
                "name": "Collectif Vélo",
                "language": "fr",
                "article": {"fr": "le", "it": "il", "de": "das"},
            },
            "addresses": {"mastodon": "@velo@mamot.fr"},
        }
    )
    assert "Wir sind das Collectif Vélo." in text_of(config, "intro", "de")
    assert "Noi del Collectif Vélo lasciamo X" in text_of(config, "thread", "it")
    assert "Somos el Collectif Vélo." in text_of(config, "intro", "es")  # guessed: a masculine French noun


# --- the collective's own texts, fitted -------------------------------------------------


def fitted_project(lang: str = "fr", **texts: str) -> ProjectConfig:
    """A project whose own texts are typed the way people type them: no capital, no full stop."""
    collective = {"name": "Collectif Vélo Lumière", "language": lang, "article": {lang: "le"}}
    if "description" in texts:
        collective["description"] = texts["description"]
    return config_from_data(
        {
            "collective": collective,
            "addresses": {
                "mastodon": "@velo@mamot.fr",
                "newsletter": "https://velo.example.org/lettre",
                "newsletter_subscribe": texts.get("subscribe", "inscrivez-vous sur la page de la lettre"),
            },
            "reasons": {"own": texts.get("own", "on en a assez de lire des messages haineux")},
        }
    )


def test_a_link_then_how_to_subscribe_reads_as_two_sentences():
    config = fitted_project()
    for fmt in ("long", "letter"):
        text = text_of(config, fmt)
        assert "<https://velo.example.org/lettre>. Inscrivez-vous sur la page de la lettre." in text
        assert ">. inscrivez" not in text
    assert "\n\nInscrivez-vous sur la page de la lettre.\n\n" in text_of(config, "thread").replace("\n\n---", "")


def test_an_own_reason_and_a_description_start_with_a_capital_and_end_with_a_full_stop():
    config = fitted_project(description="des ateliers de réparation, des balades")
    assert "\n\nOn en a assez de lire des messages haineux.\n\n" in text_of(config, "long")
    assert "Nous sommes le Collectif Vélo Lumière. Des ateliers de réparation, des balades. Nous" in text_of(
        config, "letter"
    )
    assert "\nDes ateliers de réparation, des balades.\n" in text_of(config, "intro")


def test_a_typed_text_that_starts_with_a_link_is_left_as_typed():
    config = fitted_project(subscribe="https://velo.example.org/inscription : une lettre par mois")
    assert "<https://velo.example.org/lettre>. https://velo.example.org/inscription : une lettre par mois." in (
        text_of(config, "long")
    )


@pytest.mark.parametrize(
    ("lang", "greeting", "opening"),
    [
        ("de", "Liebe Stadträtinnen und Stadträte", "Liebe Stadträtinnen und Stadträte,\n\nwir sind"),
        ("de", "Liebe Freundinnen und Freunde!", "Liebe Freundinnen und Freunde!\n\nWir sind"),
        ("it", "Gentile Sindaca", "Gentile Sindaca,\n\nsiamo"),
        ("it", "Care amiche e cari amici!", "Care amiche e cari amici!\n\nSiamo"),
        ("es", "Estimada alcaldesa", "Estimada alcaldesa:\n\nSomos"),
        ("fr", "madame la Maire", "Madame la Maire,\n\nNous sommes"),
    ],
)
def test_the_letter_goes_on_from_its_greeting_as_the_language_does(lang, greeting, opening):
    config = config_from_data(
        {
            "collective": {"name": "Attac", "language": lang},
            "addresses": {"website": "https://attac.example.org"},
            "farewell": {"letter_greeting": greeting},
        }
    )
    assert text_of(config, "letter").startswith(opening)


# --- a text in one language is not pasted into another ----------------------------------


def french_only() -> ProjectConfig:
    return config_from_data(
        {
            "collective": {"name": "Collectif Vélo Lumière", "language": "fr", "description": "Des ateliers vélo."},
            "addresses": {"mastodon": "@velo@mamot.fr", "newsletter_subscribe": {"fr": "Écrivez-nous."}},
            "reasons": {"own": {"fr": "On en a assez.", "de": "Es reicht."}},
            "farewell": {"letter_greeting": "Madame la Maire,"},
        }
    )


def test_a_text_missing_in_the_language_asked_is_left_out_and_reported():
    kit = render_farewell(french_only(), lang="en")
    whole = "\n".join(text.text for text in kit.texts)
    for french in ("Des ateliers vélo.", "Écrivez-nous.", "On en a assez.", "Es reicht.", "Madame la Maire"):
        assert french not in whole
    assert "Dear elected representatives," in whole  # the template's own greeting instead
    assert kit.missing == [
        MissingText("collective.description", "en", ("fr",), "fr", used=False),
        MissingText("addresses.newsletter_subscribe", "en", ("fr",), "fr", used=False),
        MissingText("reasons.own", "en", ("fr", "de"), "fr", used=False),
        MissingText("farewell.letter_greeting", "en", ("fr",), "fr", used=False),
    ]


def test_asked_for_other_languages_the_collectives_own_language_is_used():
    kit = render_farewell(french_only(), lang="en", other_languages=True)
    whole = "\n".join(text.text for text in kit.texts)
    assert "On en a assez." in whole and "Es reicht." not in whole and "Madame la Maire," in whole
    assert all(missing.used for missing in kit.missing)
    assert kit.to_data()["missing_texts"][2] == {
        "setting": "reasons.own",
        "lang": "en",
        "written_in": ["fr", "de"],
        "used": "fr",
    }


def test_a_text_in_the_language_asked_is_no_missing_text():
    kit = render_farewell(french_only(), lang="de")
    assert "Es reicht." in "\n".join(text.text for text in kit.texts)
    assert "reasons.own" not in {missing.setting for missing in kit.missing}
    assert render_farewell(french_only(), lang="fr").missing == []


def test_a_single_text_without_a_language_is_used_in_every_language():
    config = config_from_data(
        {
            "collective": {"name": "Attac"},
            "addresses": {"website": "https://attac.example.org"},
            "reasons": {"own": "Assez."},
        }
    )
    kit = render_farewell(config, formats=["long"], lang="en")
    assert "Assez." in kit.texts[0].text and kit.missing == []


# --- custom templates ---------------------------------------------------------------------


def test_a_custom_template_can_use_the_article_and_fit_a_sentence():
    config = project("Collectif Vélo Lumière", "fr")
    source = (
        "{{ name | with_article(capitalized=true) }} part. Merci {{ name | with_article('to') }}, "
        "{{ 'Amis du Lavoir' | with_article('of', article='les') }}. {{ 'à bientôt' | sentence }}"
    )
    (text,) = render_farewell(config, formats=["x"], template=CustomTemplate("mine.j2", source)).texts
    assert (
        text.text == "Le Collectif Vélo Lumière part. Merci au Collectif Vélo Lumière, des Amis du Lavoir. À bientôt."
    )


def test_a_case_a_language_does_not_have_is_one_clear_error():
    template = CustomTemplate("mine.j2", "{{ name | with_article('dative') }}")
    with pytest.raises(BadInputError, match="mine.j2: with_article: no 'dative' case in 'fr'"):
        render_farewell(project("Attac", "fr"), formats=["x"], template=template)


# --- the command says what it assumed and what it left out --------------------------------


def write(tmp_path, config: ProjectConfig):
    from quittex.config import save_config

    path = tmp_path / "quittex.toml"
    save_config(config, path, overwrite=True)
    return path


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("ui", ["en", "fr"])
def test_the_command_says_once_which_article_it_assumed_and_how_to_set_it(tmp_path, ui):
    path = write(tmp_path, project("Collectif Vélo Lumière", "fr"))
    result = run_cli("--lang", ui, "farewell", "--config", str(path), "--plain")
    assert result.exit_code == 0, result.stderr
    assert "le Collectif Vélo Lumière" in result.stdout
    stderr = flat(result.stderr)
    assert stderr.count('article = {fr = "le"}') == 1 and "du Collectif Vélo Lumière" in stderr
    if ui == "en":
        assert "No article is set for the name in the French texts" in stderr


def test_with_the_article_set_the_command_assumes_nothing(tmp_path):
    path = write(tmp_path, project("Collectif Vélo Lumière", "fr", "le"))
    result = run_cli("farewell", "--config", str(path), "--plain")
    assert result.exit_code == 0 and "article =" not in result.stderr


@pytest.mark.parametrize("ui", ["en", "fr"])
def test_the_command_names_each_text_missing_in_the_language_asked(tmp_path, ui):
    path = write(tmp_path, french_only())
    result = run_cli("--lang", ui, "farewell", "--config", str(path), "--lang", "en", "--plain")
    assert result.exit_code == 0, result.stderr
    assert "On en a assez." not in result.stdout and "Des ateliers vélo." not in result.stdout
    stderr = flat(result.stderr)
    for setting, example in [
        ("collective.description", 'description = {fr = "…", en = "…"}'),
        ("addresses.newsletter_subscribe", 'newsletter_subscribe = {fr = "…", en = "…"}'),
        ("reasons.own", 'own = {fr = "…", de = "…", en = "…"}'),
    ]:
        assert stderr.count(f"({setting})") == 1 and example in stderr
    assert "--use-other-languages" in stderr
    if ui == "en":
        assert "Your own reason (reasons.own) has no English text, so the English texts leave it out." in stderr


def test_use_other_languages_takes_the_collectives_text_and_says_so(tmp_path):
    path = write(tmp_path, french_only())
    result = run_cli("farewell", "--config", str(path), "--lang", "en", "--plain", "--use-other-languages")
    assert result.exit_code == 0, result.stderr
    assert "On en a assez." in result.stdout and "Des ateliers vélo." in result.stdout
    assert "Your own reason (reasons.own) has no English text: the French one is used, as asked." in flat(result.stderr)


def test_json_output_says_which_article_and_which_texts_are_missing(tmp_path):
    path = write(tmp_path, french_only())
    result = run_cli("farewell", "--config", str(path), "--lang", "en", "--json", "--format", "long")
    data = json.loads(result.stdout)
    assert data["article"] == {"article": "none", "guessed": True}
    assert [missing["setting"] for missing in data["missing_texts"]] == [
        "collective.description",
        "addresses.newsletter_subscribe",
        "reasons.own",
        "farewell.letter_greeting",
    ]
