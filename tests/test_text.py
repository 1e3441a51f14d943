"""The one text decoder and the cell helpers (community_map._text)."""

from __future__ import annotations

import codecs

import numpy as np
import pandas as pd
import pytest

from community_map._text import cell_text, decode_text, fold, is_missing
from community_map.errors import ImportFileError

TEXT = "codi;nom\n10;Sant Martí\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("utf-16-be"), "utf-16-be"),
    ],
    ids=["utf-8", "utf-8 BOM", "utf-16 LE BOM", "utf-16 BE BOM", "utf-16 LE", "utf-16 BE"],
)
def test_unicode_encodings_are_read_without_warnings(data: bytes, encoding: str) -> None:
    decoded = decode_text(data, "barris.csv")
    assert decoded.text == TEXT
    assert decoded.encoding == encoding
    assert decoded.messages == []


def test_cp1252_is_the_fallback_with_a_warning_naming_the_file() -> None:
    data = "nom\nSant Martí\nL’Hospitalet – 3€\n".encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    decoded = decode_text(data, "equipaments.csv")
    assert decoded.text == "nom\nSant Martí\nL’Hospitalet – 3€\n"
    assert decoded.encoding == "cp1252"
    assert len(decoded.messages) == 1
    assert "equipaments.csv" in decoded.messages[0] and "Windows-1252" in decoded.messages[0]


def test_bytes_undefined_in_cp1252_fall_back_to_latin1() -> None:
    decoded = decode_text(b"a\x81b\xe9", "x.csv")
    assert decoded.text == "a\x81bé"
    assert decoded.encoding == "cp1252" and len(decoded.messages) == 1


@pytest.mark.parametrize(
    "data",
    [b"\xff\xfen\x00a\x00m", b"na\x00\x00me\x00\x00\n", b"nom\x00x"],
    ids=["odd UTF-16", "NUL noise", "NUL character"],
)
def test_broken_text_is_an_import_error_naming_the_file(data: bytes) -> None:
    with pytest.raises(ImportFileError) as info:
        decode_text(data, "broken.csv")
    assert info.value.path == "broken.csv"
    assert "encoding is broken" in info.value.reason


def test_replacement_characters_are_reported() -> None:
    decoded = decode_text("Sant Mart\ufffd".encode(), "a.csv")
    assert decoded.text == "Sant Mart\ufffd"
    assert len(decoded.messages) == 1 and "�" in decoded.messages[0]


@pytest.mark.parametrize(
    ("value", "missing"),
    [
        (None, True),
        (float("nan"), True),
        (np.float32("nan"), True),
        (pd.NA, True),
        (pd.NaT, True),
        (np.datetime64("NaT"), True),
        ("", False),
        ("nan", False),
        (0, False),
        (0.0, False),
        ([], False),
        (pd.Timestamp("2025-01-01"), False),
    ],
)
def test_is_missing(value: object, missing: bool) -> None:
    assert is_missing(value) is missing


def test_cell_text_and_fold() -> None:
    assert [cell_text(v) for v in (" a ", None, float("nan"), pd.NA, 12, 1.5)] == [
        "a",
        "",
        "",
        "",
        "12",
        "1.5",
    ]
    assert fold("Àngel Guimerà, Ñuñoa, l·l") == "Angel Guimera, Nunoa, l·l"
    assert fold("ÉS") == "ES"  # case is kept
