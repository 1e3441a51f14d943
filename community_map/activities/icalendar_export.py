"""The programme written as an iCalendar (.ics) file that calendar programs subscribe to."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from community_map import i18n
from community_map._text import as_int, is_blank, sheet_cell_text
from community_map.activities.programme_cells import (
    InvalidValueError,
    codes_text,
    hhmm,
    parse_date,
    parse_time,
)
from community_map.activities.programme_columns import (
    session_type_label,
)
from community_map.activities.recurrence import series_rule
from community_map.errors import ValidationError
from community_map.i18n import gettext as _
from community_map.models import (
    SessionStatus,
)

__all__ = [
    "TIMEZONE",
    "programme_to_ical",
    "session_uid",
]

TIMEZONE = "Europe/Madrid"
"""Time zone of the (naive, local) session times stored in the database."""

UID_DOMAIN = "community-map"


def _vtimezone() -> Any:
    """Return the VTIMEZONE of Europe/Madrid (EU summer time rules since 1996)."""
    from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

    zone = Timezone()
    zone.add("tzid", TIMEZONE)
    zone.add("x-lic-location", TIMEZONE)
    # summer time from the last Sunday of March at 02:00, winter time from the last Sunday
    # of October at 03:00
    for part, name, hours_from, hours_to, start in (
        (TimezoneDaylight(), "CEST", 1, 2, dt.datetime(1970, 3, 29, 2, 0)),
        (TimezoneStandard(), "CET", 2, 1, dt.datetime(1970, 10, 25, 3, 0)),
    ):
        part.add("tzname", name)
        part.add("tzoffsetfrom", dt.timedelta(hours=hours_from))
        part.add("tzoffsetto", dt.timedelta(hours=hours_to))
        part.add("dtstart", start)
        part.add("rrule", {"freq": "yearly", "bymonth": start.month, "byday": "-1su"})
        zone.add_component(part)
    return zone


def session_uid(action_code: str, day: dt.date, start: dt.time, venue_code: str, stype: str) -> str:
    """Return the stable iCalendar UID of a session (same values, same UID).

    Examples
    --------
    >>> session_uid("A1", dt.date(2025, 3, 4), dt.time(17), "V1", "workshop")[-14:]
    '@community-map'
    """
    key = "|".join([action_code, day.isoformat(), hhmm(start), venue_code, stype])
    return f"{hashlib.sha1(key.encode()).hexdigest()[:24]}@{UID_DOMAIN}"


@dataclass(frozen=True)
class _Occurrence:
    """One programme row as calendar values: identity, times and the event's text."""

    position: int
    series: int | None
    uid: str
    starts: dt.datetime
    ends: dt.datetime
    content: tuple[str, ...]  # summary, location, description, category, status


def _occurrence(record: dict[str, Any], position: int, zone: ZoneInfo) -> _Occurrence:
    try:
        day = parse_date(record.get("date"))
        start = parse_time(record.get("start"))
        end = parse_time(record.get("end"))
    except InvalidValueError as exc:
        raise ValidationError(
            _("Programme row {row}: {reason}").format(row=position, reason=exc)
        ) from None
    action = sheet_cell_text(record.get("action_code"))
    venue_code = sheet_cell_text(record.get("venue_code"))
    stype = sheet_cell_text(record.get("type"))
    cancelled = sheet_cell_text(record.get("status")) == SessionStatus.CANCELLED.value
    type_label = session_type_label(stype)
    summary = sheet_cell_text(record.get("title")) or type_label
    if cancelled:
        summary = _("Cancelled: {summary}").format(summary=summary)
    lines = [_("Type: {type}").format(type=type_label)]
    if action:
        lines.append(
            _("Action: {code} {title}")
            .format(code=action, title=sheet_cell_text(record.get("action_title")))
            .strip()
        )
    facilitators = codes_text(record.get("facilitators"))
    if facilitators:
        lines.append(_("Facilitators: {codes}").format(codes=facilitators))
    partners = codes_text(record.get("partners"))
    if partners:
        lines.append(_("Partner services: {codes}").format(codes=partners))
    capacity = record.get("capacity")
    if not is_blank(capacity):
        lines.append(_("Capacity: {capacity}").format(capacity=sheet_cell_text(capacity)))
    reason = sheet_cell_text(record.get("cancel_reason"))
    if cancelled and reason:
        lines.append(_("Cancellation reason: {reason}").format(reason=reason))
    notes = sheet_cell_text(record.get("notes"))
    if notes:
        lines.append(notes)
    return _Occurrence(
        position=position,
        series=as_int(record.get("series_id")),
        uid=session_uid(action, day, start, venue_code, stype),
        starts=dt.datetime.combine(day, start, tzinfo=zone),
        ends=dt.datetime.combine(day, end, tzinfo=zone),
        content=(
            summary,
            sheet_cell_text(record.get("venue")) or venue_code,
            "\n".join(lines),
            type_label,
            "CANCELLED" if cancelled else "CONFIRMED",
        ),
    )


def _weekly_interval(group: list[_Occurrence]) -> int | None:
    """The interval in weeks when the group is exactly one weekly rule, else None.

    Exactly: at least two sessions, all with the same clock times, duration and event
    text, on the dates that ``FREQ=WEEKLY;INTERVAL=n;COUNT=len(group)`` gives.
    """
    if len(group) < 2:
        return None
    first = group[0]
    days = (group[1].starts.date() - first.starts.date()).days
    if days <= 0 or days % 7:
        return None
    interval = days // 7
    if any(
        o.content != first.content or o.ends - o.starts != first.ends - first.starts for o in group
    ):
        return None
    expected = series_rule(
        first.starts.replace(tzinfo=None), every_weeks=interval, count=len(group)
    )
    if [o.starts.replace(tzinfo=None) for o in group] != list(expected):
        return None
    return interval


def programme_to_ical(
    programme: pd.DataFrame,
    *,
    calendar_name: str,
    language: str | None = None,
    stamp: dt.datetime | None = None,
) -> bytes:
    """Write the programme as an iCalendar file that calendar programs can subscribe to.

    A series is written as one recurring event (``RRULE:FREQ=WEEKLY;INTERVAL=n;COUNT=k``,
    the rule of :func:`~community_map.activities.recurrence.series_rule`) only while its
    sessions still follow that rule exactly: same clock times, same text (title, venue,
    people, status...) and no session moved, cancelled or left out. A series with any
    changed session is written as one event per session, like sessions outside a series;
    no EXDATE or RECURRENCE-ID overrides are written.

    Parameters
    ----------
    programme
        A table with the columns :data:`PROGRAMME_COLUMNS`, as from
        :func:`~community_map.activities.programme_reads.programme_frame`; times are local
        times of :data:`TIMEZONE`. An optional ``series_id`` column groups a series.
    calendar_name
        The calendar's name shown by calendar programs.
    language
        Language of the descriptions (``ca``, ``es``, ``en``); default: the active one.
    stamp
        The DTSTAMP of every event (default: now, in UTC).

    Returns
    -------
    bytes
        A VCALENDAR with a VTIMEZONE for Europe/Madrid and the VEVENTs, in the order of
        their first session: ``STATUS:CANCELLED`` for cancelled sessions, ``CONFIRMED``
        for the others. The UID is derived from action code, date, start, venue code and
        type (of the first session of a recurring event), so exporting again updates the
        same events.

    Raises
    ------
    ValidationError
        A row's date or times cannot be read.

    Examples
    --------
    >>> from icalendar import Calendar
    >>> row = {"action_code": "A1", "type": "workshop", "title": "Cuina", "start": "17:00",
    ...        "end": "19:00", "venue_code": "V1", "status": "planned", "series_id": 3}
    >>> weekly = pd.DataFrame([{**row, "date": dt.date(2025, 3, d)} for d in (4, 11, 18)])
    >>> events = Calendar.from_ical(programme_to_ical(weekly, calendar_name="x")).walk("VEVENT")
    >>> len(events), events[0]["RRULE"].to_ical()
    (1, b'FREQ=WEEKLY;COUNT=3;INTERVAL=1')
    """
    from icalendar import Calendar, Event

    stamp = stamp or dt.datetime.now(dt.UTC)
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)
    zone = ZoneInfo(TIMEZONE)
    with i18n.language(language or i18n.get_language()):
        calendar = Calendar()
        calendar.add("prodid", "-//community_map//programme//EN")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("name", calendar_name)
        calendar.add("x-wr-calname", calendar_name)
        calendar.add("x-wr-timezone", TIMEZONE)
        calendar.add_component(_vtimezone())
        occurrences = [
            _occurrence(record, position, zone)
            for position, record in enumerate(programme.to_dict("records"), start=1)
        ]
        series: dict[int, list[_Occurrence]] = {}
        for item in occurrences:
            if item.series is not None:
                series.setdefault(item.series, []).append(item)
        events: list[tuple[list[_Occurrence], int | None]] = []
        recurring: set[int] = set()
        for group in series.values():
            group.sort(key=lambda o: o.starts)
            interval = _weekly_interval(group)
            if interval is not None:
                events.append((group, interval))
                recurring.update(o.position for o in group)
        events += [([o], None) for o in occurrences if o.position not in recurring]
        events.sort(key=lambda e: min(o.position for o in e[0]))
        used: set[str] = set()
        for group, interval in events:
            first = group[0]
            uid, suffix = first.uid, 2
            while uid in used:
                uid = first.uid.replace("@", f"-{suffix}@")
                suffix += 1
            used.add(uid)
            summary, location, description, category, status = first.content
            event = Event()
            event.add("uid", uid)
            event.add("dtstamp", stamp)
            event.add("dtstart", first.starts)
            event.add("dtend", first.ends)
            if interval is not None:
                event.add("rrule", {"freq": "weekly", "interval": interval, "count": len(group)})
            event.add("summary", summary)
            if location:
                event.add("location", location)
            event.add("description", description)
            event.add("categories", [category])
            event.add("status", status)
            event.add("transp", "TRANSPARENT" if status == "CANCELLED" else "OPAQUE")
            calendar.add_component(event)
        data: bytes = calendar.to_ical()
    return data
