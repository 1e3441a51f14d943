"""Windows of a network series: modes, named waves and the span of the data."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from community_map.errors import ValidationError
from community_map.networks import (
    Window,
    apply_mode,
    data_span,
    parse_wave,
    regular_windows,
    windows_from_waves,
)

D = dt.date


def test_sliding_waves_span_consecutive_waves() -> None:
    waves = {
        "T2": (D(2023, 7, 1), D(2023, 9, 30)),
        "T0": (D(2022, 9, 1), D(2022, 12, 31)),
        "T1": (D(2023, 1, 1), D(2023, 6, 30)),
    }
    sliding = windows_from_waves(waves, mode="sliding", span=2)
    assert [(w.name, w.start, w.end) for w in sliding] == [
        ("T1", D(2022, 9, 1), D(2023, 7, 1)),
        ("T2", D(2023, 1, 1), D(2023, 10, 1)),
    ]
    assert windows_from_waves(waves, mode="sliding", span=4) == []
    separate = windows_from_waves(waves)
    assert [w.name for w in separate] == ["T0", "T1", "T2"]


def test_apply_mode_rejects_unknown_modes_and_spans() -> None:
    periods = regular_windows(D(2023, 1, 1), D(2023, 2, 28))
    with pytest.raises(ValidationError):
        apply_mode(periods, "rolling")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        apply_mode(periods, "sliding", span=0)
    assert apply_mode(periods, "sliding", span=1) == periods


def test_data_span_reads_the_dates_of_each_layer() -> None:
    tables = {
        "attendance": pd.DataFrame(
            {"starts_at": pd.to_datetime(["2023-02-01 10:00", "2023-05-01 18:00"])}
        ),
        "ties": pd.DataFrame({"observed_on": [D(2022, 10, 20), D(2023, 6, 15)]}),
        "facilitation": pd.DataFrame({"starts_at": pd.to_datetime(["2023-03-03"])}),
        "partners": pd.DataFrame({"starts_at": pd.to_datetime([])}),
        "collaborations": pd.DataFrame({"occurred_on": [D(2022, 9, 5)], "kind": ["meeting"]}),
        "meetings": pd.DataFrame({"held_on": [D(2023, 4, 1)]}),
        "referrals": pd.DataFrame({"referred_on": [D(2023, 4, 1)]}),
    }
    assert data_span(tables, "coattendance") == (D(2023, 2, 1), D(2023, 5, 1))
    assert data_span(tables, "reported") == (D(2022, 10, 20), D(2023, 6, 15))
    assert data_span(tables, "both") == (D(2022, 10, 20), D(2023, 6, 15))
    assert data_span(tables, "services") == (D(2022, 9, 5), D(2023, 4, 1))
    assert data_span(tables, "referrals") == (D(2023, 4, 1), D(2023, 4, 1))
    assert data_span(tables, "professionals") is None


def test_parse_wave_accepts_spaces_and_rejects_bad_dates() -> None:
    assert parse_wave(" Reception = 2022-09-01 .. 2022-12-31 ") == (
        "Reception",
        (D(2022, 9, 1), D(2022, 12, 31)),
    )
    with pytest.raises(ValidationError):
        parse_wave("T0=2022-02-30..2022-03-31")
    with pytest.raises(ValidationError):
        parse_wave("=2022-01-01..2022-03-31")


def test_window_contains_excludes_the_end() -> None:
    w = Window("x", D(2023, 1, 1), D(2023, 2, 1))
    stamps = pd.Series(pd.to_datetime(["2022-12-31 23:59", "2023-01-01 00:00", "2023-02-01 00:00"]))
    assert w.contains(stamps).tolist() == [False, True, False]
