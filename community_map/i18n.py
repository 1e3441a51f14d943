"""Translations: gettext catalogues in Catalan, Spanish and English.

The catalogues are the ``.po`` files under ``community_map/locale``; they are compiled in
memory with Babel the first time a language is used, so no binary ``.mo`` files are kept
in the repository. The active language is a context variable: the app sets it at the
start of each run from the user's choice or the browser's locale, the CLI from ``LANG``.

Mark every visible string with :func:`gettext` (imported as ``_``) and, for strings
defined at import time and translated later, with :func:`N_`.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
import io
from collections.abc import Iterator
from contextlib import contextmanager
from gettext import NullTranslations
from pathlib import Path

from babel.dates import format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal as babel_format_decimal
from babel.support import Translations

__all__ = [
    "DOMAIN",
    "FALLBACK_LANGUAGE",
    "LANGUAGES",
    "LOCALES",
    "LOCALE_DIR",
    "N_",
    "format_day",
    "format_number",
    "get_language",
    "gettext",
    "language",
    "language_from_locale",
    "ngettext",
    "recording_misses",
    "set_language",
    "translations",
]

LANGUAGES: dict[str, str] = {"ca": "Català", "es": "Castellano", "en": "English"}
FALLBACK_LANGUAGE = "en"
DOMAIN = "messages"
LOCALE_DIR = Path(__file__).parent / "locale"

_language: contextvars.ContextVar[str] = contextvars.ContextVar(
    "community_map_language", default=FALLBACK_LANGUAGE
)


@functools.cache
def translations(language: str) -> NullTranslations:
    """Return the compiled catalogue of ``language`` (English strings are the msgids)."""
    po_path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if language == FALLBACK_LANGUAGE or not po_path.is_file():
        return NullTranslations()
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def set_language(language: str) -> None:
    """Make ``language`` the active language of the current context."""
    _language.set(language if language in LANGUAGES else FALLBACK_LANGUAGE)


def get_language() -> str:
    """Return the active language code (``ca``, ``es`` or ``en``)."""
    return _language.get()


@contextmanager
def language(code: str) -> Iterator[None]:
    """Use ``code`` as the active language inside a ``with`` block."""
    token = _language.set(code if code in LANGUAGES else FALLBACK_LANGUAGE)
    try:
        yield
    finally:
        _language.reset(token)


# Lookups that fell back to English while a test records them (see recording_misses).
_misses: set[tuple[str, str]] | None = None


@contextmanager
def recording_misses() -> Iterator[set[tuple[str, str]]]:
    """Collect ``(language, msgid)`` of every lookup the catalogues cannot answer.

    Used by the tests that render every page in Catalan and Spanish: a miss is a string a
    user would see in English. Recording is process-wide (Streamlit runs pages in other
    threads), so it is meant for tests only.

    Examples
    --------
    >>> with recording_misses() as misses, language("ca"):
    ...     _ = gettext("Home"), gettext("Not a catalogue string")
    >>> sorted(misses)
    [('ca', 'Not a catalogue string')]
    """
    global _misses
    previous, _misses = _misses, set()
    try:
        yield _misses
    finally:
        _misses = previous


def _is_missing(catalogue: NullTranslations, key: object) -> bool:
    return key not in getattr(catalogue, "_catalog", {})


def gettext(message: str) -> str:
    """Translate ``message`` into the active language.

    Examples
    --------
    >>> with language("ca"):
    ...     gettext("Home")
    'Inici'
    """
    code = get_language()
    catalogue = translations(code)
    if _misses is not None and code != FALLBACK_LANGUAGE and _is_missing(catalogue, message):
        _misses.add((code, message))
    return catalogue.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message that depends on a count.

    Examples
    --------
    >>> with language("ca"):
    ...     ngettext("{count} invalid polygon was repaired.",
    ...              "{count} invalid polygons were repaired.", 2).format(count=2)
    "S'han reparat 2 polígons no vàlids."
    """
    code = get_language()
    catalogue = translations(code)
    if _misses is not None and code != FALLBACK_LANGUAGE and _is_missing(catalogue, (singular, 0)):
        _misses.add((code, singular))
    return catalogue.ngettext(singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark ``message`` for extraction without translating it now."""
    return message


def language_from_locale(locale: str | None, *, default: str = FALLBACK_LANGUAGE) -> str:
    """Pick the product language for a browser locale such as ``ca-ES`` or ``es``.

    Examples
    --------
    >>> language_from_locale("ca-ES")
    'ca'
    >>> language_from_locale("fr-FR")
    'en'
    """
    if locale:
        code = locale.replace("_", "-").split("-")[0].lower()
        if code in LANGUAGES:
            return code
    return default if default in LANGUAGES else FALLBACK_LANGUAGE


LOCALES: dict[str, str] = {"ca": "ca_ES", "es": "es_ES", "en": "en_GB"}
"""The Babel locale of each interface language (dates, numbers)."""


def format_day(value: dt.date, pattern: str = "EEE d/M") -> str:
    """``value`` written in the active language with a CLDR ``pattern``.

    Examples
    --------
    >>> with language("ca"):
    ...     format_day(dt.date(2023, 3, 9))
    'dj. 9/3'
    >>> with language("es"):
    ...     format_day(dt.datetime(2023, 3, 9, 17, 30), "EEE d/M HH:mm")
    'jue 9/3 17:30'
    """
    return format_datetime(value, pattern, locale=LOCALES.get(get_language(), "en_GB"))


def format_number(value: float, decimals: int = 0) -> str:
    """``value`` with the active language's decimal and group separators.

    Examples
    --------
    >>> with language("ca"):
    ...     format_number(3553.5, 1), format_number(0.128, 2)
    ('3.553,5', '0,13')
    """
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return babel_format_decimal(value, format=pattern, locale=LOCALES.get(get_language(), "en_GB"))
