"""Conflict checks of planned sessions: venue, people, capacity and opening hours.

A pure function over pandas frames;
:func:`community_map.activities.conflict_reads.check_conflicts` reads the database and
passes the frames in, so nothing here touches a database session.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from babel.dates import format_date

from community_map import i18n
from community_map._text import as_int, text_or_empty
from community_map.activities.opening_hours import OpeningHours, is_open, parse_opening_hours
from community_map.errors import ValidationError
from community_map.i18n import gettext as _
from community_map.i18n import ngettext
from community_map.models import SessionStatus

__all__ = ["Conflict", "ConflictKind", "find_conflicts"]


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


def _as_ids(value: Any) -> list[int]:
    """Return a list-like cell (list, tuple, array, None) as unique ints in order."""
    if value is None or isinstance(value, str):
        return []
    if not isinstance(value, Iterable):
        return [] if as_int(value) is None else [int(value)]
    ids = (as_int(v) for v in value)
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
    return pd.DataFrame(
        {
            "owner": np.repeat(owner, lengths),
            "person": pd.array(flat, dtype="Int64"),
        }
    )


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
            name=text_or_empty(row.get("name")) or f"#{vid}",
            capacity=as_int(row.get("capacity")),
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

    saved = pd.DataFrame(
        {
            "session_id": _id_series(cells("session_id")),
            "title": [text_or_empty(t) for t in cells("title")],
            "o_starts": _times(cells("starts_at")),
            "o_ends": _times(cells("ends_at")),
            "o_venue": _id_series(cells("venue_asset_id")),
        }
    )
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
    titles = [text_or_empty(t) for t in cells("title")]
    plan = pd.DataFrame(
        {
            "row": np.arange(n),
            "session_id": _id_series(cells("session_id")),
            "starts_at": _times(cells("starts_at")),
            "ends_at": _times(cells("ends_at")),
            "venue": _id_series(cells("venue_asset_id")),
        }
    )
    bad = np.flatnonzero(~(plan["ends_at"] > plan["starts_at"]).to_numpy())
    if len(bad):
        raise ValidationError(
            _("The session “{title}” must end after it starts.").format(title=titles[bad[0]])
        )
    capacities = [as_int(c) for c in cells("capacity")]
    people_lists = {
        ConflictKind.FACILITATOR: [_as_ids(v) for v in cells("facilitator_ids")],
        ConflictKind.PARTICIPANT: [_as_ids(v) for v in cells("participant_ids")],
    }

    # The "other" side of every pair: saved sessions (o_row = -1), then the planned rows.
    own_ids = {int(i) for i in plan["session_id"].dropna()}
    saved = _saved_sessions(existing, own_ids, plan["starts_at"].min(), plan["ends_at"].max())
    n_saved = len(saved)
    other = pd.concat(
        [
            saved,
            pd.DataFrame(
                {
                    "session_id": plan["session_id"],
                    "title": titles,
                    "o_starts": plan["starts_at"],
                    "o_ends": plan["ends_at"],
                    "o_venue": plan["venue"],
                    "o_row": plan["row"],
                }
            ),
        ],
        ignore_index=True,
    )
    other["other"] = np.arange(len(other))
    venue_info = _venue_info(venues, plan["venue"].dropna().astype(int).unique())
    found: list[tuple[int, int, pd.Timestamp, Conflict]] = []

    def add(row: int, kind: ConflictKind, message: str, o: int | None = None) -> None:
        if o is None:
            conflict = Conflict(kind, message, None, keys[row])
            found.append((row, _KIND_ORDER[kind], pd.Timestamp.min, conflict))
            return
        o_row = int(other["o_row"].iat[o])
        conflict = Conflict(
            kind,
            message,
            as_int(other["session_id"].iat[o]),
            keys[row],
            keys[o_row] if o_row >= 0 else None,
        )
        found.append((row, _KIND_ORDER[kind], other["o_starts"].iat[o], conflict))

    def about(o: int) -> dict[str, str]:
        starts, ends = other["o_starts"].iat[o], other["o_ends"].iat[o]
        return {
            "title": other["title"].iat[o],
            "when": _when(starts.to_pydatetime(), ends.to_pydatetime()),
        }

    # Venue: merge on the venue, then keep the overlapping pairs.
    pairs = plan[plan["venue"].notna()].merge(
        other.loc[other["o_venue"].notna(), ["other", "o_venue", "o_starts", "o_ends", "o_row"]],
        left_on="venue",
        right_on="o_venue",
    )
    for row, o, venue in _overlapping(pairs)[["row", "other", "venue"]].itertuples(
        index=False, name=None
    ):
        info = venue_info.get(int(venue))
        name = info.name if info is not None else f"#{int(venue)}"
        add(
            int(row),
            ConflictKind.VENUE,
            _("{venue} is already booked for “{title}” on {when}.").format(
                venue=name, **about(int(o))
            ),
            int(o),
        )

    # People: (row, person) pairs merged on the person with everyone else's.
    positions = pd.DataFrame({"session_id": saved["session_id"], "other": np.arange(n_saved)})
    plan_times = plan[["row", "starts_at", "ends_at"]]
    other_times = other[["other", "o_starts", "o_ends", "o_row"]]
    sources = {
        ConflictKind.FACILITATOR: (facilitators, "professional_id", "professional_code"),
        ConflictKind.PARTICIPANT: (invitations, "participant_id", "participant_code"),
    }
    for kind, (people_frame, id_column, code_column) in sources.items():
        mine = _people(plan["row"].to_numpy(), people_lists[kind]).rename(columns={"owner": "row"})
        if mine.empty:
            continue
        theirs = pd.DataFrame(
            {"other": pd.Series([], dtype="int64"), "person": pd.array([], dtype="Int64")}
        )
        if n_saved and len(people_frame):
            wanted = people_frame[people_frame[id_column].isin(set(mine["person"].astype(int)))]
            theirs = pd.DataFrame(
                {
                    "session_id": _id_series(wanted["session_id"].tolist()),
                    "person": _id_series(wanted[id_column].tolist()),
                }
            ).merge(positions, on="session_id")[["other", "person"]]
        everyone = pd.concat(
            [theirs, pd.DataFrame({"other": mine["row"] + n_saved, "person": mine["person"]})],
            ignore_index=True,
        )
        pairs = _overlapping(
            mine.merge(everyone, on="person")
            .merge(plan_times, on="row")
            .merge(other_times, on="other")
        )
        codes = _codes(people_frame, id_column, code_column)
        for (row, o), group in pairs.groupby(["row", "other"], sort=True):
            people = sorted({int(p) for p in group["person"]})
            names = ", ".join(codes.get(p, f"#{p}") for p in people)
            if kind is ConflictKind.FACILITATOR:
                text = ngettext(
                    "Facilitator {codes} already leads “{title}” on {when}.",
                    "Facilitators {codes} already lead “{title}” on {when}.",
                    len(people),
                )
            else:
                text = ngettext(
                    "Participant {codes} is already invited to “{title}” on {when}.",
                    "Participants {codes} are already invited to “{title}” on {when}.",
                    len(people),
                )
            add(int(row), kind, text.format(codes=names, **about(int(o))), int(o))

    # Capacity and opening hours, row by row (a series has at most 200 rows).
    hours_of: dict[int, OpeningHours | None] = {}
    for row in range(n):
        invited = len(people_lists[ConflictKind.PARTICIPANT][row])
        own = capacities[row]
        venue = as_int(plan["venue"].iat[row])
        info = venue_info.get(venue) if venue is not None else None
        room = info.capacity if info is not None else None
        venue_name = info.name if info is not None else ""
        message = None
        if room is not None and invited > room:
            message = _(
                "Capacity exceeded at {venue}: {invited} invited, the room holds {capacity}."
            ).format(venue=venue_name, invited=invited, capacity=room)
        elif room is not None and own is not None and own > room:
            message = _(
                "Capacity exceeded at {venue}: the session allows {count}, the room "
                "holds {capacity}."
            ).format(venue=venue_name, count=own, capacity=room)
        elif own is not None and invited > own:
            message = _(
                "Capacity exceeded: {invited} invited, the session allows {capacity}."
            ).format(invited=invited, capacity=own)
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
            add(
                row,
                ConflictKind.OPENING_HOURS,
                _("“{title}” on {when} is outside the opening hours of {venue} ({hours}).").format(
                    title=titles[row], when=_when(starts, ends), venue=venue_name, hours=hours.text
                ),
            )

    found.sort(key=lambda item: item[:3])
    return [item[3] for item in found]
