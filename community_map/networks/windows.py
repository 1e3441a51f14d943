"""Time windows of a network series: regular periods or named waves, and how they combine.

A window is a named period ``[start, end)``. :func:`regular_windows` cuts a span into
months or quarters and :func:`windows_from_waves` turns periods the user names into
windows; :func:`apply_mode` then treats both the same way: each window on its own,
cumulative (every window begins where the first does) or sliding (``span`` consecutive
periods at a time). :func:`data_span` finds the span of the data a network layer reads.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from community_map.errors import ValidationError
from community_map.i18n import gettext as _

__all__ = [
    "MODES",
    "Mode",
    "Window",
    "apply_mode",
    "data_span",
    "parse_wave",
    "regular_windows",
    "windows_from_waves",
]

Mode = Literal["separate", "cumulative", "sliding"]
MODES: tuple[Mode, ...] = ("separate", "cumulative", "sliding")


@dataclass(frozen=True)
class Window:
    """A named period ``[start, end)`` (end excluded).

    Examples
    --------
    >>> w = Window("T0", dt.date(2022, 9, 1), dt.date(2023, 1, 1))
    >>> w.contains(pd.Series(["2022-12-31", "2023-01-01"])).tolist()
    [True, False]
    """

    name: str
    start: dt.date
    end: dt.date

    def contains(self, when: pd.Series) -> pd.Series:
        """Return a mask of the datetimes in ``when`` that fall inside the window."""
        stamps = pd.to_datetime(when)
        return (stamps >= pd.Timestamp(self.start)) & (stamps < pd.Timestamp(self.end))


def apply_mode(
    periods: Sequence[Window], mode: Mode = "separate", *, span: int = 3
) -> list[Window]:
    """Combine consecutive ``periods`` (sorted by start) into the windows of ``mode``.

    ``separate`` keeps the periods; ``cumulative`` windows all begin at the first
    period's start and end where each period ends; ``sliding`` windows cover ``span``
    consecutive periods, move one period at a time and take the name of their last one.

    Examples
    --------
    >>> periods = [Window(n, dt.date(2023, m, 1), dt.date(2023, m + 1, 1))
    ...            for n, m in (("a", 1), ("b", 2), ("c", 3))]
    >>> [(w.name, w.start.month, w.end.month) for w in apply_mode(periods, "cumulative")]
    [('a', 1, 2), ('b', 1, 3), ('c', 1, 4)]
    >>> [(w.name, w.start.month) for w in apply_mode(periods, "sliding", span=2)]
    [('b', 1), ('c', 2)]
    """
    if mode not in MODES:
        raise ValidationError(
            _("Unknown mode {mode!r}; use one of: {known}.").format(
                mode=mode, known=", ".join(MODES)
            )
        )
    if span < 1:
        raise ValidationError(_("A sliding window spans at least one period."))
    if mode == "cumulative":
        return [Window(p.name, periods[0].start, p.end) for p in periods]
    if mode == "sliding":
        return [
            Window(periods[i + span - 1].name, periods[i].start, periods[i + span - 1].end)
            for i in range(max(0, len(periods) - span + 1))
        ]
    return list(periods)


def windows_from_waves(
    waves: Mapping[str, tuple[dt.date, dt.date]], *, mode: Mode = "separate", span: int = 3
) -> list[Window]:
    """Turn named waves (e.g. ``{"T0": (start, end), "T1": ...}``, end included) into windows.

    The waves are sorted by start date and combined by :func:`apply_mode`.

    Examples
    --------
    >>> windows_from_waves({"T0": (dt.date(2022, 9, 1), dt.date(2022, 12, 31))})[0].end
    datetime.date(2023, 1, 1)
    >>> waves = {"T1": (dt.date(2023, 1, 1), dt.date(2023, 6, 30)),
    ...          "T0": (dt.date(2022, 9, 1), dt.date(2022, 12, 31))}
    >>> [(w.name, w.start) for w in windows_from_waves(waves, mode="cumulative")]
    [('T0', datetime.date(2022, 9, 1)), ('T1', datetime.date(2022, 9, 1))]
    """
    windows = []
    for name, (start, end) in waves.items():
        if end < start:
            raise ValidationError(_("Wave {name} ends before it starts.").format(name=name))
        windows.append(Window(str(name), start, end + dt.timedelta(days=1)))
    return apply_mode(sorted(windows, key=lambda w: w.start), mode, span=span)


def regular_windows(
    start: dt.date,
    end: dt.date,
    *,
    freq: Literal["month", "quarter"] = "month",
    mode: Mode = "separate",
    span: int = 3,
) -> list[Window]:
    """Return monthly or quarterly windows covering ``[start, end]``, combined by ``mode``.

    Examples
    --------
    >>> [w.name for w in regular_windows(dt.date(2022, 9, 1), dt.date(2022, 11, 30))]
    ['2022-09', '2022-10', '2022-11']
    >>> [w.name for w in regular_windows(dt.date(2022, 9, 1), dt.date(2023, 3, 31),
    ...                                  freq="quarter")]
    ['2022-Q3', '2022-Q4', '2023-Q1']
    """
    if end < start:
        raise ValidationError(_("The period ends before it starts."))
    step = 1 if freq == "month" else 3
    first = dt.date(start.year, ((start.month - 1) // step) * step + 1, 1)
    periods: list[Window] = []
    cursor = first
    while cursor <= end:
        month = cursor.month - 1 + step
        following = dt.date(cursor.year + month // 12, month % 12 + 1, 1)
        name = (
            f"{cursor:%Y-%m}"
            if freq == "month"
            else f"{cursor.year}-Q{(cursor.month - 1) // 3 + 1}"
        )
        periods.append(Window(name, cursor, following))
        cursor = following
    return apply_mode(periods, mode, span=span)


_WAVE = re.compile(r"^\s*([^=]+?)\s*=\s*(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})\s*$")


def parse_wave(text: str) -> tuple[str, tuple[dt.date, dt.date]]:
    """Read a wave written ``NAME=START..END`` (ISO dates, both days included).

    Examples
    --------
    >>> parse_wave("T0=2022-09-01..2022-12-31")
    ('T0', (datetime.date(2022, 9, 1), datetime.date(2022, 12, 31)))
    """
    found = _WAVE.match(text)
    if found is None:
        raise ValidationError(
            _(
                "Cannot read the wave {text!r}; write NAME=START..END, e.g. "
                "T0=2022-09-01..2022-12-31."
            ).format(text=text)
        )
    try:
        start, end = (dt.date.fromisoformat(found[2]), dt.date.fromisoformat(found[3]))
    except ValueError as exc:
        raise ValidationError(
            _("Cannot read the wave {text!r}: {error}.").format(text=text, error=exc)
        ) from exc
    if end < start:
        raise ValidationError(_("Wave {name} ends before it starts.").format(name=found[1]))
    return found[1], (start, end)


#: The dated columns each network layer reads: (table, column).
_LAYER_DATES: dict[str, tuple[tuple[str, str], ...]] = {
    "coattendance": (("attendance", "starts_at"),),
    "reported": (("ties", "observed_on"), ("responses", "answered_on")),
    "both": (("attendance", "starts_at"), ("ties", "observed_on")),
    "services": (
        ("facilitation", "starts_at"),
        ("partners", "starts_at"),
        ("collaborations", "occurred_on"),
        ("meetings", "held_on"),
    ),
    "professionals": (
        ("facilitation_professionals", "starts_at"),
        ("collaborations_professionals", "occurred_on"),
        ("meetings_professionals", "held_on"),
    ),
    "referrals": (("referrals", "referred_on"),),
}


def data_span(
    tables: Mapping[str, pd.DataFrame], layer: str = "coattendance"
) -> tuple[dt.date, dt.date] | None:
    """First and last date of the data that ``layer`` reads (``None`` when it has none).

    Referrals are read from the referral register (table ``referrals``).

    Examples
    --------
    >>> att = pd.DataFrame({"starts_at": pd.to_datetime(["2023-02-03", "2022-11-05"])})
    >>> data_span({"attendance": att}, "coattendance")
    (datetime.date(2022, 11, 5), datetime.date(2023, 2, 3))
    >>> data_span({"attendance": att.iloc[0:0]}, "coattendance") is None
    True
    """
    stamps: list[pd.Timestamp] = []
    for table, column in _LAYER_DATES.get(layer, _LAYER_DATES["coattendance"]):
        frame = tables.get(table)
        if frame is None or column not in frame:
            continue
        values = pd.to_datetime(frame[column]).dropna()
        if len(values):
            stamps.extend([values.min(), values.max()])
    if not stamps:
        return None
    return min(stamps).date(), max(stamps).date()
