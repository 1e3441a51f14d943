"""Opening hours of venues: parsing the OpenStreetMap-like text and checking a session.

Pure functions over plain Python values; times are naive local datetimes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from community_map.errors import ValidationError
from community_map.i18n import gettext as _

__all__ = ["MINUTES_PER_DAY", "MINUTES_PER_WEEK", "OpeningHours", "is_open", "parse_opening_hours"]

MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY

_DAY_CODES = ("mo", "tu", "we", "th", "fr", "sa", "su")
_HOLIDAY_CODES = ("ph", "sh")
_DASH = r"[-–]"
_RULE_SPLIT = re.compile(r";|(?<=\d)\s*,\s*(?=[A-Za-z])")
_DAY_TOKEN = r"[A-Za-z]{2}(?![A-Za-z])"
_DAYS_PART = re.compile(
    rf"^(?P<days>{_DAY_TOKEN}(?:\s*(?:{_DASH}|,)\s*{_DAY_TOKEN})*)?\s*(?P<times>.*)$"
)
_TIME_RANGE = re.compile(rf"^(\d{{1,2}}):(\d{{2}})\s*{_DASH}\s*(\d{{1,2}}):(\d{{2}})$")


@dataclass(frozen=True)
class OpeningHours:
    """Opening hours as merged intervals of a week.

    Attributes
    ----------
    text
        The text they were parsed from.
    intervals
        Sorted, non-overlapping ``(start, end)`` pairs in minutes from Monday 00:00,
        within ``[0, 10080]``; a range that goes past Sunday midnight is split, and
        :func:`is_open` joins it again with the Monday that follows.

    Examples
    --------
    >>> parse_opening_hours("Sa 10:00-14:00").intervals
    ((7800, 8040),)
    """

    text: str
    intervals: tuple[tuple[int, int], ...]

    @property
    def always_open(self) -> bool:
        """Whether the venue never closes (``24/7`` or every day 00:00-24:00)."""
        return self.intervals == ((0, MINUTES_PER_WEEK),)

    def day_intervals(self, weekday: int) -> list[tuple[int, int]]:
        """Return the opening ``(start, end)`` minutes of ``weekday`` (0 = Monday) that day.

        Examples
        --------
        >>> parse_opening_hours("Mo-Fr 09:00-14:00; Tu 16:00-18:00").day_intervals(1)
        [(540, 840), (960, 1080)]
        """
        low, high = weekday * MINUTES_PER_DAY, (weekday + 1) * MINUTES_PER_DAY
        return [
            (max(a, low) - low, min(b, high) - low)
            for a, b in self.intervals
            if a < high and b > low
        ]


def _merge(intervals: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge overlapping or touching intervals."""
    merged: list[tuple[int, int]] = []
    for a, b in sorted(intervals):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _parse_days(text: str) -> list[int] | None:
    """Parse ``Mo-Fr,Su`` into weekday numbers; None when a token is unknown.

    Public and school holidays (``PH``, ``SH``) are dropped: we cannot know them here.
    """
    days: list[int] = []
    for part in text.lower().split(","):
        ends = [p.strip() for p in re.split(_DASH, part)]
        if len(ends) == 1 and ends[0] in _HOLIDAY_CODES:
            continue
        if len(ends) > 2 or any(e not in _DAY_CODES for e in ends):
            return None
        first = _DAY_CODES.index(ends[0])
        last = _DAY_CODES.index(ends[-1])
        span = (last - first) % 7  # "Fr-Mo" wraps over the weekend
        days.extend((first + i) % 7 for i in range(span + 1))
    return days


def _parse_times(text: str) -> list[tuple[int, int]] | None:
    """Parse ``09:00-14:00,16:00-20:00`` into minutes; an end past midnight spills over."""
    ranges: list[tuple[int, int]] = []
    for part in text.split(","):
        match = _TIME_RANGE.match(part.strip())
        if match is None:
            return None
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if m1 > 59 or m2 > 59 or h1 > 23 or h2 > 48:
            return None
        a, b = h1 * 60 + m1, h2 * 60 + m2
        if b == a:
            return None
        if b < a:  # "22:00-02:00" ends the next day
            b += MINUTES_PER_DAY
        ranges.append((a, b))
    return ranges


def parse_opening_hours(text: str) -> OpeningHours | None:
    """Parse opening hours written in the OpenStreetMap-like syntax of our data.

    Rules are separated by ``;``; each is a day selector (``Mo-Fr``, ``Tu,Th``, ``Fr-Mo``;
    none means every day) followed by one or more comma-separated time ranges, or by
    ``off`` / ``closed``. Unlike strict OpenStreetMap, rules *add up*: ``Mo-Fr
    09:00-14:00; Tu,Th 15:00-18:00`` opens Tuesday morning and afternoon. ``off`` closes
    the days it names, for the rules before it. A range ending past midnight
    (``22:00-02:00``) continues into the next day. ``24/7`` means always open. ``PH`` and
    ``SH`` (holidays) are ignored.

    Parameters
    ----------
    text
        The opening hours as stored on the asset.

    Returns
    -------
    OpeningHours or None
        None for empty or unparseable text: unknown hours mean "no check".

    Examples
    --------
    >>> hours = parse_opening_hours("Mo-Fr 09:00-21:00; Sa 10:00-14:00")
    >>> hours.day_intervals(5), hours.day_intervals(6)
    ([(600, 840)], [])
    >>> parse_opening_hours("sunrise-sunset") is None
    True
    """
    if not isinstance(text, str) or not text.strip():
        return None
    per_day: dict[int, list[tuple[int, int]]] = {d: [] for d in range(7)}
    seen_rule = False
    for raw_rule in _RULE_SPLIT.split(text):
        rule = raw_rule.strip()
        if not rule:
            continue
        if rule == "24/7":
            for day in per_day:
                per_day[day].append((0, MINUTES_PER_DAY))
            seen_rule = True
            continue
        match = _DAYS_PART.match(rule)
        if match is None:
            return None
        day_text, time_text = match.group("days"), match.group("times").strip()
        days = list(range(7)) if day_text is None else _parse_days(day_text)
        if days is None or not time_text:
            return None
        seen_rule = True
        if time_text.lower() in {"off", "closed"}:
            for day in days:
                per_day[day] = []
            continue
        ranges = _parse_times(time_text)
        if ranges is None:
            return None
        for day in days:
            per_day[day].extend(ranges)
    if not seen_rule:
        return None
    week: list[tuple[int, int]] = []
    for day, ranges in per_day.items():
        for a, b in ranges:
            start, stop = day * MINUTES_PER_DAY + a, day * MINUTES_PER_DAY + b
            if stop > MINUTES_PER_WEEK:  # Sunday night into Monday
                week.append((start, MINUTES_PER_WEEK))
                week.append((0, stop - MINUTES_PER_WEEK))
            else:
                week.append((start, stop))
    return OpeningHours(text=text.strip(), intervals=tuple(_merge(week)))


def is_open(hours: OpeningHours, start: dt.datetime, end: dt.datetime) -> bool:
    """Whether the whole of ``[start, end]`` falls inside one opening interval.

    An interval that reaches midnight and continues the next day (``22:00-02:00``, or
    ``24/7``) counts as one; a session across a gap (lunch closing) is not open.

    Parameters
    ----------
    hours
        Parsed opening hours.
    start, end
        The session, as naive local datetimes.

    Raises
    ------
    ValidationError
        When ``end <= start``.

    Examples
    --------
    >>> hours = parse_opening_hours("Mo-Fr 09:00-14:00; Mo-Fr 16:00-20:00")
    >>> monday = dt.datetime(2025, 3, 3)
    >>> is_open(hours, monday.replace(hour=9), monday.replace(hour=14))
    True
    >>> is_open(hours, monday.replace(hour=13), monday.replace(hour=17))
    False
    """
    if end <= start:
        raise ValidationError(_("The session must end after it starts."))
    if hours.always_open:
        return True
    monday = dt.datetime.combine(start.date() - dt.timedelta(days=start.weekday()), dt.time())
    offset = (start.replace(tzinfo=None) - monday).total_seconds() / 60
    length = (end - start).total_seconds() / 60
    if length > MINUTES_PER_WEEK:
        return False
    extended = _merge(
        [
            *hours.intervals,
            *((a + MINUTES_PER_WEEK, b + MINUTES_PER_WEEK) for a, b in hours.intervals),
        ]
    )
    return any(a <= offset and offset + length <= b for a, b in extended)
