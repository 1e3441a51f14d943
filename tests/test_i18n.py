"""Every interface string is in the catalogues and translated into Catalan and Spanish."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from community_map import i18n
from community_map.i18n_extract import extract_messages

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"\{[a-z_]*(?:![rs])?(?::[^}]*)?\}")


def _catalog(language: str):  # type: ignore[no-untyped-def]
    path = i18n.LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        return read_po(fh, locale=language)


@pytest.fixture(scope="module")
def messages() -> dict[str, list[tuple[str, int]]]:
    found = extract_messages(ROOT)
    assert len(found) > 50  # the extractor really sees the code
    return found


@pytest.mark.parametrize("language", ["ca", "es", "en"])
def test_every_string_is_in_the_catalogue(language: str, messages: dict) -> None:
    catalog = _catalog(language)
    missing = [m for m in messages if catalog.get(m) is None]
    assert not missing, (
        f"{len(missing)} strings missing from {language}; run "
        f"`python scripts/update_catalogues.py`: {missing[:5]}"
    )


@pytest.mark.parametrize("language", ["ca", "es"])
def test_every_string_is_translated(language: str, messages: dict) -> None:
    catalog = _catalog(language)
    untranslated = [
        m
        for m in messages
        if catalog.get(m) is not None
        and (not all(_forms(catalog.get(m).string)) or catalog.get(m).fuzzy)
    ]
    assert not untranslated, f"untranslated in {language}: {untranslated[:10]}"


@pytest.mark.parametrize("language", ["ca", "es"])
def test_translations_keep_placeholders(language: str) -> None:
    for message in _catalog(language):
        if message.id and message.string:
            expected = sorted(PLACEHOLDER.findall(_forms(message.id)[-1]))
            for form in _forms(message.string):
                assert sorted(PLACEHOLDER.findall(form)) == expected, (language, message.id)


def _forms(value: object) -> tuple[str, ...]:
    """The forms of a catalogue string: one, or one per count for a plural entry."""
    return tuple(value) if isinstance(value, tuple) else (str(value or ""),)


@pytest.mark.parametrize("language", ["ca", "es"])
def test_plural_messages_are_plural_entries(language: str, messages: dict) -> None:
    catalog = _catalog(language)
    plurals = [m for m in messages if isinstance(m, tuple)]
    assert plurals, "the extractor sees ngettext calls"
    for singular, plural in plurals:
        entry = catalog.get(singular)
        assert entry is not None and entry.pluralizable, singular
        assert catalog.get(plural) is None, f"plural form stored as its own entry: {plural}"
    with i18n.language(language):
        one = i18n.ngettext(
            "{count} invalid polygon was repaired.", "{count} invalid polygons were repaired.", 1
        )
        two = i18n.ngettext(
            "{count} invalid polygon was repaired.", "{count} invalid polygons were repaired.", 2
        )
    assert one != two and "invalid" not in one + two


def test_active_language_translates() -> None:
    with i18n.language("ca"):
        assert i18n.gettext("Home") == "Inici"
    with i18n.language("es"):
        assert i18n.gettext("Home") == "Inicio"
    with i18n.language("en"):
        assert i18n.gettext("Home") == "Home"


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("ca-ES", "ca"),
        ("ca", "ca"),
        ("es_ES", "es"),
        ("en-GB", "en"),
        ("fr-FR", "en"),
        (None, "en"),
        ("", "en"),
    ],
)
def test_language_from_browser_locale(locale: str | None, expected: str) -> None:
    assert i18n.language_from_locale(locale) == expected


def test_unknown_default_falls_back_to_english() -> None:
    assert i18n.language_from_locale("de-DE", default="de") == "en"
    assert i18n.language_from_locale("de-DE", default="es") == "es"
