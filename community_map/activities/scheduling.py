"""Scheduling: recurring sessions, opening hours, conflict checks and calendar views.

Everything here is a pure function over plain Python and pandas data; the service layer
reads the database and passes frames in, so nothing in this module touches a session.

Times are *naive local wall-clock* datetimes (Barcelona time as a planner types it),
never UTC. A weekly series therefore keeps its 10:00 start across the daylight-saving
changes of late March and late October: adding whole weeks to a naive datetime moves
the date and keeps the clock time, which is what a planner means by "every Monday at
10:00".
"""

from __future__ import annotations

import datetime as dt
import enum
import html
import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from babel.dates import format_date, get_day_names

from community_map import i18n
from community_map.activities.reads import SESSION_TYPE_LABELS
from community_map.errors import ValidationError
from community_map.i18n import gettext as _
from community_map.i18n import ngettext
from community_map.models import SessionStatus, SessionType

MAX_OCCURRENCES = 200
"""The most sessions a single series may create."""

MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY
MONTH_LINES = 4
"""Sessions listed per day in the month view before "+N more"."""

# One colour per session type (Okabe-Ito based, readable as a border on a light tint).
TYPE_COLOURS: dict[SessionType, str] = {
    SessionType.GROUP_DYNAMIC: "#0072B2",
    SessionType.WORKSHOP: "#E69F00",
    SessionType.CULTURAL_OUTING: "#009E73",
    SessionType.LEADERSHIP: "#CC79A7",
    SessionType.INFORMATIVE_GROUP: "#56B4E9",
    SessionType.COLLECTIVE_ADVICE: "#D55E00",
    SessionType.COORDINATION_MEETING: "#882255",
    SessionType.OTHER: "#6B7280",
}


# --------------------------------------------------------------------------- recurrence


def occurrences(
    start: dt.datetime,
    end: dt.datetime,
    *,
    every_weeks: int = 1,
    until: dt.date,
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Return the (start, end) pairs of a weekly or every-N-weeks series.

    Every occurrence falls on the same weekday at the same clock time as the first one,
    up to and including ``until``. Datetimes are naive local times, so a daylight-saving
    change in between does not shift the clock time.

    Parameters
    ----------
    start, end
        The first session (naive local datetimes); ``end`` must be after ``start``.
    every_weeks
        Interval between sessions in weeks (1 = weekly).
    until
        Last date on which a session may start (inclusive).

    Returns
    -------
    list of tuple
        ``(starts_at, ends_at)`` of each occurrence, the first one included.

    Raises
    ------
    ValidationError
        When ``end <= start``, ``every_weeks < 1``, ``until`` is before the first date,
        or the series would have more than :data:`MAX_OCCURRENCES` sessions.

    Examples
    --------
    >>> first = dt.datetime(2025, 3, 3, 10, 0)
    >>> slots = occurrences(first, first + dt.timedelta(hours=2), every_weeks=2,
    ...                     until=dt.date(2025, 3, 31))
    >>> [s.strftime("%d/%m %H:%M") for s, _e in slots]
    ['03/03 10:00', '17/03 10:00', '31/03 10:00']
    """
    if isinstance(until, dt.datetime):
        until = until.date()
    if end <= start:
        raise ValidationError(_("The session must end after it starts."))
    if isinstance(every_weeks, bool) or not isinstance(every_weeks, int) or every_weeks < 1:
        raise ValidationError(
            _("A series repeats every 1 week or more, not every {value}.").format(
                value=every_weeks
            )
        )
    if until < start.date():
        raise ValidationError(
            _("The series must end on or after the date of its first session ({date}).").format(
                date=start.strftime("%d/%m/%Y")
            )
        )
    count = (until - start.date()).days // (7 * every_weeks) + 1
    if count > MAX_OCCURRENCES:
        raise ValidationError(
            _(
                "The series would have {count} sessions; at most {maximum} can be planned at "
                "once. Choose an earlier end date or a longer interval."
            ).format(count=count, maximum=MAX_OCCURRENCES)
        )
    step = dt.timedelta(weeks=every_weeks)
    duration = end - start
    return [(start + i * step, start + i * step + duration) for i in range(count)]


# ------------------------------------------------------------------------ opening hours

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
    extended = _merge([*hours.intervals, *((a + MINUTES_PER_WEEK, b + MINUTES_PER_WEEK)
                                           for a, b in hours.intervals)])
    return any(a <= offset and offset + length <= b for a, b in extended)


# ----------------------------------------------------------------------------- conflicts


class ConflictKind(enum.StrEnum):
    """What a planned session clashes with."""

    VENUE = "venue"
    FACILITATOR = "facilitator"
    PARTICIPANT = "participant"
    CAPACITY = "capacity"
    OPENING_HOURS = "opening_hours"


_KIND_ORDER = {kind: i for i, kind in enumerate(ConflictKind)}


@dataclass(frozen=True)
class Conflict:
    """One problem of a planned session.

    Attributes
    ----------
    kind
        ``venue``, ``facilitator``, ``participant``, ``capacity`` or ``opening_hours``
        (a :class:`ConflictKind`, which compares equal to those strings).
    message
        Translated text naming the other session (title, date and time) and the venue
        or the people's codes.
    other_session_id
        The session it clashes with, when that session is saved (None for capacity,
        opening hours and clashes with a new planned session).
    key
        ``key`` of the planned row that has the problem.
    other_key
        ``key`` of the other planned row, for clashes between two planned rows.

    Examples
    --------
    >>> Conflict(ConflictKind.VENUE, "Room taken", 7).kind == "venue"
    True
    """

    kind: str
    message: str
    other_session_id: int | None
    key: Hashable = None
    other_key: Hashable = None


def _id_series(values: Sequence[Any]) -> pd.Series:
    """Return ids as nullable integers (None / NaN become <NA>), with a RangeIndex."""
    return pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").astype("Int64")


def _times(values: Sequence[Any]) -> pd.Series:
    """Return naive datetimes as a Series with a RangeIndex (missing ones become NaT)."""
    return pd.Series(pd.to_datetime(pd.Series(values, dtype=object)))


def _text(value: Any) -> str:
    """Return a cell as text; None and NaN become an empty string."""
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def _as_int(value: Any) -> int | None:
    """Return ``value`` as an int, or None when it is missing."""
    if value is None or value is pd.NA:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        return None
    return int(value)


def _as_ids(value: Any) -> list[int]:
    """Return a list-like cell (list, tuple, array, None) as unique ints in order."""
    if value is None or isinstance(value, str):
        return []
    if not isinstance(value, Iterable):
        return [] if _as_int(value) is None else [int(value)]
    ids = (_as_int(v) for v in value)
    return list(dict.fromkeys(i for i in ids if i is not None))


def _when(start: dt.datetime, end: dt.datetime) -> str:
    """Format a session's date and times in the active language."""
    locale = i18n.get_language()
    day = format_date(start.date(), "medium", locale=locale)
    if end.date() == start.date():
        return f"{day}, {start:%H:%M}–{end:%H:%M}"
    last_day = format_date(end.date(), "medium", locale=locale)
    return f"{day}, {start:%H:%M} – {last_day}, {end:%H:%M}"


def _codes(frame: pd.DataFrame, id_column: str, code_column: str) -> dict[int, str]:
    if code_column not in frame.columns or frame.empty:
        return {}
    pairs = frame[[id_column, code_column]].dropna().drop_duplicates(id_column)
    return {int(i): str(c) for i, c in zip(pairs[id_column], pairs[code_column], strict=True)}


def _people(owner: np.ndarray, lists: Sequence[list[int]]) -> pd.DataFrame:
    """Explode per-row id lists into ``(owner, person)`` rows."""
    lengths = np.fromiter((len(x) for x in lists), dtype=np.int64, count=len(lists))
    flat = [p for x in lists for p in x]
    return pd.DataFrame({
        "owner": np.repeat(owner, lengths),
        "person": pd.array(flat, dtype="Int64"),
    })


def _overlapping(pairs: pd.DataFrame) -> pd.DataFrame:
    """Keep pairs whose intervals overlap (touching is fine) and whose other side is
    a saved session or a *later* planned row (each planned pair is reported once)."""
    overlap = (pairs["starts_at"] < pairs["o_ends"]) & (pairs["o_starts"] < pairs["ends_at"])
    other_row = pairs["o_row"]
    return pairs[overlap & ((other_row < 0) | (other_row > pairs["row"]))]


@dataclass(frozen=True)
class _VenueInfo:
    name: str
    capacity: int | None
    opening_hours: str | None


def _venue_info(venues: pd.DataFrame, ids: Iterable[int]) -> dict[int, _VenueInfo]:
    """Name, capacity and opening hours of the venues in ``ids`` (those in the frame)."""
    info: dict[int, _VenueInfo] = {}
    for venue_id in ids:
        vid = int(venue_id)
        if vid not in venues.index:
            continue
        row = venues.loc[vid]
        if isinstance(row, pd.DataFrame):  # duplicated index: take the first
            row = row.iloc[0]
        hours = row.get("opening_hours")
        info[vid] = _VenueInfo(
            name=_text(row.get("name")) or f"#{vid}",
            capacity=_as_int(row.get("capacity")),
            opening_hours=hours if isinstance(hours, str) else None,
        )
    return info


def _saved_sessions(
    existing: pd.DataFrame, own_ids: set[int], start: pd.Timestamp, end: pd.Timestamp
) -> pd.DataFrame:
    """The existing sessions that may clash: not cancelled, not edited, inside the window."""
    frame = existing.reset_index(drop=True)
    if "status" in frame.columns:
        frame = frame[frame["status"].astype(str) != SessionStatus.CANCELLED.value]
        frame = frame.reset_index(drop=True)

    def cells(name: str) -> list[Any]:
        return frame[name].tolist() if name in frame.columns else [None] * len(frame)

    saved = pd.DataFrame({
        "session_id": _id_series(cells("session_id")),
        "title": [_text(t) for t in cells("title")],
        "o_starts": _times(cells("starts_at")),
        "o_ends": _times(cells("ends_at")),
        "o_venue": _id_series(cells("venue_asset_id")),
    })
    mine = saved["session_id"].isin(own_ids).fillna(False).astype(bool)
    keep = ~mine & (saved["o_starts"] < end) & (saved["o_ends"] > start)
    saved = saved[keep.astype(bool)].reset_index(drop=True)
    saved["o_row"] = -1
    return saved


def find_conflicts(
    planned: pd.DataFrame,
    existing: pd.DataFrame,
    *,
    facilitators: pd.DataFrame,
    invitations: pd.DataFrame,
    venues: pd.DataFrame,
) -> list[Conflict]:
    """Return every conflict of the planned session(s), with each other and with others.

    Two sessions overlap when ``start < other_end and other_start < end``: back-to-back
    sessions do not clash. Checked for each planned row: the same venue booked; a
    facilitator in both; an invited participant in both (people clashing with the same
    session are named in one conflict); more people than the room holds (the invited
    count, else the session's capacity, against the venue's capacity; or the invited
    count above the session's own capacity; at most one capacity conflict per row);
    outside the venue's opening hours when they are known (see
    :func:`parse_opening_hours`). Planned rows are also checked against each other;
    each such pair is reported once, on the earlier row. The work is vectorised: one
    merge per kind (on the venue or the person), then an interval filter.

    Parameters
    ----------
    planned
        The sessions about to be saved, one row per occurrence: ``key`` (any hashable),
        ``session_id`` (None for new ones; the id of an edited session, so it does not
        clash with itself), ``title``, ``starts_at``, ``ends_at``, ``venue_asset_id``,
        ``capacity``, ``facilitator_ids`` and ``participant_ids`` (lists of ints).
        Missing optional columns count as empty.
    existing
        Other sessions in the time window, not cancelled: ``session_id``, ``title``,
        ``starts_at``, ``ends_at``, ``venue_asset_id`` (a ``status`` column, if any, is
        used to drop cancelled rows). Rows of a planned ``session_id`` are ignored.
    facilitators
        ``session_id``, ``professional_id`` and optionally ``professional_code`` of the
        existing sessions' facilitators (without codes, people are named ``#id``).
    invitations
        ``session_id``, ``participant_id`` and optionally ``participant_code``.
    venues
        Indexed by asset id, with ``name``, ``capacity`` and ``opening_hours`` text.

    Returns
    -------
    list of Conflict
        Ordered by planned row, then kind (venue, facilitator, participant, capacity,
        opening hours), then the other session's start. Messages use the active
        language (:func:`community_map.i18n.language`).

    Raises
    ------
    ValidationError
        When a planned row does not end after it starts.

    Examples
    --------
    >>> at = dt.datetime(2025, 3, 3, 10)
    >>> hour = dt.timedelta(hours=1)
    >>> planned = pd.DataFrame([{"key": 0, "session_id": None, "title": "Taller",
    ...     "starts_at": at, "ends_at": at + 2 * hour, "venue_asset_id": 1, "capacity": None,
    ...     "facilitator_ids": [4], "participant_ids": []}])
    >>> existing = pd.DataFrame([{"session_id": 9, "title": "Cafè", "starts_at": at + hour,
    ...     "ends_at": at + 3 * hour, "venue_asset_id": 1}])
    >>> facilitators = pd.DataFrame({"session_id": [9], "professional_id": [4]})
    >>> invitations = pd.DataFrame(columns=["session_id", "participant_id"])
    >>> venues = pd.DataFrame({"name": ["Casal"], "capacity": [20], "opening_hours": [""]},
    ...                       index=[1])
    >>> for c in find_conflicts(planned, existing, facilitators=facilitators,
    ...                         invitations=invitations, venues=venues):
    ...     print(c.kind, c.other_session_id, c.message)
    venue 9 Casal is already booked for “Cafè” on Mar 3, 2025, 11:00–13:00.
    facilitator 9 Facilitator #4 already leads “Cafè” on Mar 3, 2025, 11:00–13:00.
    """
    if planned.empty:
        return []
    frame = planned.reset_index(drop=True)
    n = len(frame)

    def cells(name: str) -> list[Any]:
        return frame[name].tolist() if name in frame.columns else [None] * n

    keys = cells("key")
    titles = [_text(t) for t in cells("title")]
    plan = pd.DataFrame({
        "row": np.arange(n),
        "session_id": _id_series(cells("session_id")),
        "starts_at": _times(cells("starts_at")),
        "ends_at": _times(cells("ends_at")),
        "venue": _id_series(cells("venue_asset_id")),
    })
    bad = np.flatnonzero(~(plan["ends_at"] > plan["starts_at"]).to_numpy())
    if len(bad):
        raise ValidationError(
            _("The session “{title}” must end after it starts.").format(title=titles[bad[0]])
        )
    capacities = [_as_int(c) for c in cells("capacity")]
    people_lists = {
        ConflictKind.FACILITATOR: [_as_ids(v) for v in cells("facilitator_ids")],
        ConflictKind.PARTICIPANT: [_as_ids(v) for v in cells("participant_ids")],
    }

    # The "other" side of every pair: saved sessions (o_row = -1), then the planned rows.
    own_ids = {int(i) for i in plan["session_id"].dropna()}
    saved = _saved_sessions(existing, own_ids, plan["starts_at"].min(), plan["ends_at"].max())
    n_saved = len(saved)
    other = pd.concat([
        saved,
        pd.DataFrame({
            "session_id": plan["session_id"], "title": titles, "o_starts": plan["starts_at"],
            "o_ends": plan["ends_at"], "o_venue": plan["venue"], "o_row": plan["row"],
        }),
    ], ignore_index=True)
    other["other"] = np.arange(len(other))
    venue_info = _venue_info(venues, plan["venue"].dropna().astype(int).unique())
    found: list[tuple[int, int, pd.Timestamp, Conflict]] = []

    def add(row: int, kind: ConflictKind, message: str, o: int | None = None) -> None:
        if o is None:
            conflict = Conflict(kind, message, None, keys[row])
            found.append((row, _KIND_ORDER[kind], pd.Timestamp.min, conflict))
            return
        o_row = int(other["o_row"].iat[o])
        conflict = Conflict(kind, message, _as_int(other["session_id"].iat[o]), keys[row],
                            keys[o_row] if o_row >= 0 else None)
        found.append((row, _KIND_ORDER[kind], other["o_starts"].iat[o], conflict))

    def about(o: int) -> dict[str, str]:
        starts, ends = other["o_starts"].iat[o], other["o_ends"].iat[o]
        return {"title": other["title"].iat[o],
                "when": _when(starts.to_pydatetime(), ends.to_pydatetime())}

    # Venue: merge on the venue, then keep the overlapping pairs.
    pairs = plan[plan["venue"].notna()].merge(
        other.loc[other["o_venue"].notna(), ["other", "o_venue", "o_starts", "o_ends", "o_row"]],
        left_on="venue", right_on="o_venue",
    )
    for row, o, venue in _overlapping(pairs)[["row", "other", "venue"]].itertuples(
        index=False, name=None
    ):
        info = venue_info.get(int(venue))
        name = info.name if info is not None else f"#{int(venue)}"
        add(int(row), ConflictKind.VENUE,
            _("{venue} is already booked for “{title}” on {when}.").format(
                venue=name, **about(int(o))), int(o))

    # People: (row, person) pairs merged on the person with everyone else's.
    positions = pd.DataFrame({"session_id": saved["session_id"], "other": np.arange(n_saved)})
    plan_times = plan[["row", "starts_at", "ends_at"]]
    other_times = other[["other", "o_starts", "o_ends", "o_row"]]
    sources = {
        ConflictKind.FACILITATOR: (facilitators, "professional_id", "professional_code"),
        ConflictKind.PARTICIPANT: (invitations, "participant_id", "participant_code"),
    }
    for kind, (people_frame, id_column, code_column) in sources.items():
        mine = _people(plan["row"].to_numpy(), people_lists[kind]).rename(
            columns={"owner": "row"})
        if mine.empty:
            continue
        theirs = pd.DataFrame({"other": pd.Series([], dtype="int64"),
                               "person": pd.array([], dtype="Int64")})
        if n_saved and len(people_frame):
            wanted = people_frame[people_frame[id_column].isin(set(mine["person"].astype(int)))]
            theirs = pd.DataFrame({
                "session_id": _id_series(wanted["session_id"].tolist()),
                "person": _id_series(wanted[id_column].tolist()),
            }).merge(positions, on="session_id")[["other", "person"]]
        everyone = pd.concat(
            [theirs, pd.DataFrame({"other": mine["row"] + n_saved, "person": mine["person"]})],
            ignore_index=True,
        )
        pairs = _overlapping(
            mine.merge(everyone, on="person").merge(plan_times, on="row")
            .merge(other_times, on="other")
        )
        codes = _codes(people_frame, id_column, code_column)
        for (row, o), group in pairs.groupby(["row", "other"], sort=True):
            people = sorted({int(p) for p in group["person"]})
            names = ", ".join(codes.get(p, f"#{p}") for p in people)
            if kind is ConflictKind.FACILITATOR:
                text = ngettext("Facilitator {codes} already leads “{title}” on {when}.",
                                "Facilitators {codes} already lead “{title}” on {when}.",
                                len(people))
            else:
                text = ngettext("Participant {codes} is already invited to “{title}” on {when}.",
                                "Participants {codes} are already invited to “{title}” on "
                                "{when}.", len(people))
            add(int(row), kind, text.format(codes=names, **about(int(o))), int(o))

    # Capacity and opening hours, row by row (a series has at most 200 rows).
    hours_of: dict[int, OpeningHours | None] = {}
    for row in range(n):
        invited = len(people_lists[ConflictKind.PARTICIPANT][row])
        own = capacities[row]
        venue = _as_int(plan["venue"].iat[row])
        info = venue_info.get(venue) if venue is not None else None
        room = info.capacity if info is not None else None
        venue_name = info.name if info is not None else ""
        message = None
        if room is not None and invited > room:
            message = _("Capacity exceeded at {venue}: {invited} invited, the room holds "
                        "{capacity}.").format(venue=venue_name, invited=invited, capacity=room)
        elif room is not None and own is not None and own > room:
            message = _("Capacity exceeded at {venue}: the session allows {count}, the room "
                        "holds {capacity}.").format(venue=venue_name, count=own, capacity=room)
        elif own is not None and invited > own:
            message = _("Capacity exceeded: {invited} invited, the session allows "
                        "{capacity}.").format(invited=invited, capacity=own)
        if message is not None:
            add(row, ConflictKind.CAPACITY, message)
        if info is None or venue is None:
            continue
        if venue not in hours_of:
            hours_of[venue] = parse_opening_hours(info.opening_hours or "")
        hours = hours_of[venue]
        starts = plan["starts_at"].iat[row].to_pydatetime()
        ends = plan["ends_at"].iat[row].to_pydatetime()
        if hours is not None and not is_open(hours, starts, ends):
            add(row, ConflictKind.OPENING_HOURS,
                _("“{title}” on {when} is outside the opening hours of {venue} ({hours}).")
                .format(title=titles[row], when=_when(starts, ends), venue=venue_name,
                        hours=hours.text))

    found.sort(key=lambda item: item[:3])
    return [item[3] for item in found]


# ----------------------------------------------------------------------------- calendars

_CALENDAR_STYLE = (
    "font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;font-size:14px;"
    "color:#1f2933;line-height:1.35"
)
_HEADING_STYLE = "font-size:1.15em;font-weight:600;margin:0 0 .5em 0"


def _esc(value: Any) -> str:
    """HTML-escape a cell; missing values become an empty string."""
    return html.escape(_text(value), quote=True)


def _locale(language: str) -> str:
    return language if language in i18n.LANGUAGES else i18n.FALLBACK_LANGUAGE


def _type_style(kind: Any) -> tuple[str, str]:
    """Return the colour and the translated label of a session type."""
    try:
        session_type = SessionType(str(kind))
    except ValueError:
        return TYPE_COLOURS[SessionType.OTHER], _text(kind)
    return TYPE_COLOURS[session_type], _(SESSION_TYPE_LABELS[session_type])


def _calendar_rows(sessions: pd.DataFrame, first: dt.date, last: dt.date) -> pd.DataFrame:
    """Sessions starting between ``first`` and ``last`` (inclusive), sorted, with ``day``."""
    columns = ["session_id", "title", "type", "starts_at", "ends_at", "venue", "status"]
    if sessions.empty:
        return pd.DataFrame(columns=[*columns, "day"])
    frame = sessions.reset_index(drop=True).copy()
    for name in columns:
        if name not in frame.columns:
            frame[name] = None
    frame["starts_at"] = pd.to_datetime(frame["starts_at"])
    frame["ends_at"] = pd.to_datetime(frame["ends_at"])
    frame = frame[frame["starts_at"].notna()]
    frame["day"] = frame["starts_at"].dt.date
    frame = frame[(frame["day"] >= first) & (frame["day"] <= last)]
    frame["_title"] = frame["title"].astype(str)
    return frame.sort_values(["starts_at", "_title"], kind="stable")


def _clock(value: Any) -> str:
    return "" if value is None or pd.isna(value) else f"{value:%H:%M}"


def _is_cancelled(status: Any) -> bool:
    return str(status) == SessionStatus.CANCELLED.value


def _legend(rows: pd.DataFrame) -> str:
    """A line of coloured chips for the session types shown."""
    present = [t for t in SessionType if t.value in set(rows["type"].astype(str))]
    if not present:
        return ""
    chips = "".join(
        f'<span style="display:inline-flex;align-items:center;gap:.3em;margin-right:1em">'
        f'<span style="width:.8em;height:.8em;border-radius:2px;background:{TYPE_COLOURS[t]}">'
        f"</span>{_esc(_(SESSION_TYPE_LABELS[t]))}</span>"
        for t in present
    )
    return f'<div class="cm-legend" style="margin-top:.6em;font-size:.85em">{chips}</div>'


def _week_event(item: Mapping[str, Any]) -> str:
    colour, label = _type_style(item["type"])
    cancelled = _is_cancelled(item["status"])
    strike = "text-decoration:line-through;opacity:.65;" if cancelled else ""
    status = ""
    if cancelled:
        cancelled_text = _esc(_("Cancelled"))
        status = (
            f' <span class="cm-status" style="font-size:.8em;font-weight:600;color:#9b1c1c">'
            f"{cancelled_text}</span>"
        )
    venue = _esc(item["venue"])
    venue_html = (
        f'<div class="cm-venue" style="font-size:.85em;color:#52606d;{strike}">{venue}</div>'
        if venue else ""
    )
    css_class = "cm-event cm-cancelled" if cancelled else "cm-event"
    return (
        f'<div class="{css_class}" data-session-id="{_esc(item["session_id"])}" '
        f'data-type="{_esc(item["type"])}" title="{_esc(label)}" '
        f'style="border-left:4px solid {colour};background:{colour}1f;border-radius:4px;'
        f'padding:.3em .45em;margin-top:.35em;overflow-wrap:anywhere">'
        f'<div class="cm-time" style="font-size:.8em;font-variant-numeric:tabular-nums;{strike}">'
        f"{_clock(item['starts_at'])}–{_clock(item['ends_at'])}</div>"
        f'<div class="cm-title" style="font-weight:600;{strike}">{_esc(item["title"])}</div>'
        f"{venue_html}{status}</div>"
    )


def week_calendar_html(sessions: pd.DataFrame, *, week_start: dt.date, language: str) -> str:
    """Return an HTML week calendar: seven day columns, Monday first, sessions as blocks.

    Each block lists the time, title and venue, is coloured by session type (see
    :data:`TYPE_COLOURS`), and is struck through and labelled when cancelled. Sessions
    appear on the day they start. On a narrow screen the week scrolls sideways. Every
    value from ``sessions`` is HTML-escaped; the styles are inline, so the fragment
    needs no stylesheet.

    Parameters
    ----------
    sessions
        ``session_id``, ``title``, ``type``, ``starts_at``, ``ends_at``, ``venue``
        (name) and ``status``; rows outside the week are left out.
    week_start
        Any day of the week to show (the calendar starts on that week's Monday).
    language
        ``ca``, ``es`` or ``en``, for day names and headings.

    Returns
    -------
    str
        A ``<div class="cm-calendar">`` fragment.

    Examples
    --------
    >>> frame = pd.DataFrame([{"session_id": 1, "title": "Taller <b>", "type": "workshop",
    ...     "starts_at": dt.datetime(2025, 3, 4, 10), "ends_at": dt.datetime(2025, 3, 4, 12),
    ...     "venue": "Casal", "status": "planned"}])
    >>> page = week_calendar_html(frame, week_start=dt.date(2025, 3, 3), language="ca")
    >>> page.count('class="cm-day"'), "dimarts" in page, "Taller &lt;b&gt;" in page
    (7, True, True)
    """
    locale = _locale(language)
    monday = week_start - dt.timedelta(days=week_start.weekday())
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    rows = _calendar_rows(sessions, days[0], days[-1])
    by_day = {day: group for day, group in rows.groupby("day", sort=False)}
    names = get_day_names("wide", locale=locale)
    with i18n.language(locale):
        heading = _("Week of {date}").format(date=format_date(monday, "long", locale=locale))
        empty_text = _("No sessions")
        cells = []
        for day in days:
            group = by_day.get(day)
            events = (
                "".join(_week_event(item) for item in group.to_dict("records"))
                if group is not None
                else f'<div class="cm-empty" style="color:#7b8794;font-size:.85em;'
                f'margin-top:.35em">{_esc(empty_text)}</div>'
            )
            weekend = "background:#f5f7fa;" if day.weekday() >= 5 else "background:#fff;"
            cells.append(
                f'<div class="cm-day" data-date="{day.isoformat()}" '
                f'style="{weekend}border:1px solid #d9e2ec;border-radius:6px;padding:.4em;'
                f'min-width:0">'
                f'<div class="cm-day-head" style="font-weight:600;text-transform:capitalize">'
                f"{_esc(names[day.weekday()])}</div>"
                f'<div style="font-size:.8em;color:#52606d">'
                f"{_esc(format_date(day, 'd MMM', locale=locale))}</div>"
                f"{events}</div>"
            )
        legend = _legend(rows)
    return (
        f'<div class="cm-calendar cm-week" lang="{locale}" style="{_CALENDAR_STYLE}">'
        f'<div class="cm-heading" style="{_HEADING_STYLE}">{_esc(heading)}</div>'
        f'<div style="overflow-x:auto;-webkit-overflow-scrolling:touch">'
        f'<div class="cm-grid" style="display:grid;grid-template-columns:repeat(7,minmax(0,1fr));'
        f'gap:4px;min-width:56rem">{"".join(cells)}</div></div>{legend}</div>'
    )


def _month_line(item: Mapping[str, Any]) -> str:
    colour, label = _type_style(item["type"])
    cancelled = _is_cancelled(item["status"])
    strike = "text-decoration:line-through;opacity:.65;" if cancelled else ""
    tooltip = " · ".join(
        part for part in (
            f"{_clock(item['starts_at'])}–{_clock(item['ends_at'])}",
            _text(item["title"]),
            _text(item["venue"]),
            label,
            _("Cancelled") if cancelled else "",
        ) if part
    )
    css_class = "cm-line cm-cancelled" if cancelled else "cm-line"
    return (
        f'<div class="{css_class}" data-session-id="{_esc(item["session_id"])}" '
        f'data-type="{_esc(item["type"])}" title="{_esc(tooltip)}" '
        f'style="white-space:nowrap;overflow:hidden;text-overflow:ellipsis;font-size:.8em;'
        f'border-left:3px solid {colour};padding-left:.3em;margin-top:2px;{strike}">'
        f'<span style="font-variant-numeric:tabular-nums">{_clock(item["starts_at"])}</span> '
        f"{_esc(item['title'])}</div>"
    )


def month_calendar_html(sessions: pd.DataFrame, *, month: dt.date, language: str) -> str:
    """Return an HTML month calendar: a grid of weeks (Monday first) with short lines.

    Each day lists its sessions as ``10:00 Title`` lines (cut with an ellipsis, the
    full details in the tooltip), coloured by type and struck through when cancelled;
    beyond four a "+N more" line says how many are hidden. The grid covers whole weeks,
    so days of the neighbouring months are shown (muted) with their sessions too. Every
    value from ``sessions`` is HTML-escaped; the styles are inline.

    Parameters
    ----------
    sessions
        ``session_id``, ``title``, ``type``, ``starts_at``, ``ends_at``, ``venue`` and
        ``status``.
    month
        Any day of the month to show.
    language
        ``ca``, ``es`` or ``en``, for month and day names and headings.

    Returns
    -------
    str
        A ``<div class="cm-calendar">`` fragment.

    Examples
    --------
    >>> empty = pd.DataFrame(columns=["session_id", "title", "type", "starts_at", "ends_at",
    ...                               "venue", "status"])
    >>> page = month_calendar_html(empty, month=dt.date(2021, 2, 10), language="es")
    >>> page.count("data-date="), "Febrero 2021" in page
    (28, True)
    """
    locale = _locale(language)
    first_of_month = month.replace(day=1)
    next_month = (first_of_month + dt.timedelta(days=32)).replace(day=1)
    start = first_of_month - dt.timedelta(days=first_of_month.weekday())
    last_of_month = next_month - dt.timedelta(days=1)
    stop = last_of_month + dt.timedelta(days=6 - last_of_month.weekday())
    days = [start + dt.timedelta(days=i) for i in range((stop - start).days + 1)]
    rows = _calendar_rows(sessions, start, stop)
    by_day = {day: group for day, group in rows.groupby("day", sort=False)}
    short_names = get_day_names("abbreviated", locale=locale)
    wide_names = get_day_names("wide", locale=locale)
    title = format_date(first_of_month, "LLLL y", locale=locale)
    title = title[:1].upper() + title[1:]
    with i18n.language(locale):
        head = "".join(
            f'<div class="cm-weekday" style="font-weight:600;font-size:.8em;color:#52606d;'
            f'text-align:center;text-transform:capitalize;padding:.2em 0">'
            f'<abbr title="{_esc(wide_names[i])}" style="text-decoration:none">'
            f"{_esc(short_names[i])}</abbr></div>"
            for i in range(7)
        )
        cells = []
        for day in days:
            group = by_day.get(day)
            items = group.to_dict("records") if group is not None else []
            lines = "".join(_month_line(item) for item in items[:MONTH_LINES])
            hidden = len(items) - MONTH_LINES
            if hidden > 0:
                more = _esc(_("+{count} more").format(count=hidden))
                lines += (
                    f'<div class="cm-more" style="font-size:.8em;color:#52606d;margin-top:2px">'
                    f"{more}</div>"
                )
            outside = day.month != first_of_month.month
            css_class = "cm-day cm-outside" if outside else "cm-day"
            colours = "background:#f5f7fa;color:#9aa5b1;" if outside else "background:#fff;"
            cells.append(
                f'<div class="{css_class}" data-date="{day.isoformat()}" '
                f'aria-label="{_esc(format_date(day, "full", locale=locale))}" '
                f'style="{colours}border:1px solid #d9e2ec;border-radius:4px;padding:.25em;'
                f'min-height:5.5em;min-width:0;overflow:hidden">'
                f'<div class="cm-day-number" style="font-size:.85em;font-weight:600">'
                f"{day.day}</div>{lines}</div>"
            )
        legend = _legend(rows)
    return (
        f'<div class="cm-calendar cm-month" lang="{locale}" style="{_CALENDAR_STYLE}">'
        f'<div class="cm-heading" style="{_HEADING_STYLE}">{_esc(title)}</div>'
        f'<div style="overflow-x:auto;-webkit-overflow-scrolling:touch">'
        f'<div class="cm-grid" style="display:grid;grid-template-columns:repeat(7,minmax(0,1fr));'
        f'gap:3px;min-width:42rem">{head}{"".join(cells)}</div></div>{legend}</div>'
    )
