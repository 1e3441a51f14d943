"""Recurring sessions: the dates of a weekly or every-N-weeks series (RFC 5545 rules).

Times are *naive local wall-clock* datetimes (Barcelona time as a planner types it),
never UTC. A weekly series therefore keeps its 10:00 start across the daylight-saving
changes of late March and late October: the rule repeats the clock time on each date,
which is what a planner means by "every Monday at 10:00".
"""

from __future__ import annotations

import datetime as dt
import itertools

from dateutil.rrule import WEEKLY, rrule

from community_map.errors import ValidationError
from community_map.i18n import gettext as _

__all__ = ["MAX_OCCURRENCES", "occurrences", "series_rule"]

MAX_OCCURRENCES = 200
"""The most sessions a single series may create."""


def series_rule(
    start: dt.datetime,
    *,
    every_weeks: int = 1,
    until: dt.date | None = None,
    count: int | None = None,
) -> rrule:
    """Return the RFC 5545 rule of a weekly or every-N-weeks series starting at ``start``.

    ``FREQ=WEEKLY;INTERVAL=every_weeks`` with ``UNTIL`` the end of the day ``until``
    (inclusive) or ``COUNT``. The rule repeats the clock time of ``start`` on each date, so
    naive local datetimes keep their clock time across daylight-saving changes.

    Parameters
    ----------
    start
        The first session's start; it is the rule's DTSTART.
    every_weeks
        Interval in weeks (1 = weekly).
    until, count
        Last date a session may start on (inclusive), or the number of sessions.

    Returns
    -------
    dateutil.rrule.rrule
        Iterating it gives the start of every session.

    Examples
    --------
    >>> rule = series_rule(dt.datetime(2025, 3, 3, 10), every_weeks=2, until=dt.date(2025, 3, 31))
    >>> [d.strftime("%d/%m %H:%M") for d in rule]
    ['03/03 10:00', '17/03 10:00', '31/03 10:00']
    """
    end_of_day = None
    if until is not None:
        end_of_day = dt.datetime.combine(until, dt.time.max, tzinfo=start.tzinfo)
    return rrule(WEEKLY, dtstart=start, interval=every_weeks, until=end_of_day, count=count)


def occurrences(
    start: dt.datetime,
    end: dt.datetime,
    *,
    every_weeks: int = 1,
    until: dt.date,
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Return the (start, end) pairs of a weekly or every-N-weeks series.

    Every occurrence falls on the same weekday at the same clock time as the first one,
    up to and including ``until``: the dates of :func:`series_rule`. Datetimes are naive
    local times, so a daylight-saving change in between does not shift the clock time.

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
            _("A series repeats every 1 week or more, not every {value}.").format(value=every_weeks)
        )
    if until < start.date():
        raise ValidationError(
            _("The series must end on or after the date of its first session ({date}).").format(
                date=start.strftime("%d/%m/%Y")
            )
        )
    rule = series_rule(start, every_weeks=every_weeks, until=until)
    starts: list[dt.datetime] = list(itertools.islice(rule, MAX_OCCURRENCES + 1))
    if len(starts) > MAX_OCCURRENCES:
        raise ValidationError(
            _(
                "The series would have {count} sessions; at most {maximum} can be planned at "
                "once. Choose an earlier end date or a longer interval."
            ).format(count=rule.count(), maximum=MAX_OCCURRENCES)
        )
    duration = end - start
    return [(first, first + duration) for first in starts]
