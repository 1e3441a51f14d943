"""Extract the interface strings and merge them into the ca/es/en catalogues.

Run after adding or changing strings: ``python scripts/update_catalogues.py``. New
strings appear untranslated in the Catalan and Spanish ``.po`` files (the test suite
fails until they are translated); strings no longer in the code are dropped.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from community_map.i18n import LANGUAGES, LOCALE_DIR  # noqa: E402
from community_map.i18n_extract import extract_messages  # noqa: E402


def main() -> int:
    messages = extract_messages(ROOT)
    template = Catalog(project="community_map", charset="utf-8")
    for msgid, locations in messages.items():
        template.add(msgid, locations=locations)
    for language in LANGUAGES:
        path = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_file():
            with path.open("rb") as fh:
                catalog = read_po(fh, locale=language)
        else:
            catalog = Catalog(locale=language, project="community_map", charset="utf-8")
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        if language == "en":
            for message in catalog:
                if message.id:
                    message.string = message.id
        with path.open("wb") as fh:
            write_po(fh, catalog, width=100, omit_header=False, sort_output=True)
        missing = sum(
            1
            for m in catalog
            if m.id and not all(m.string if isinstance(m.string, tuple) else (m.string,))
        )
        print(f"{language}: {len(catalog)} messages, {missing} untranslated")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
