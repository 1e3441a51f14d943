"""Disclosure rules for counts of people shown to roles that only see aggregates.

The rule (statistical disclosure control, as recommended for small-area tables):

* counts from 1 to ``threshold - 1`` are shown as ``< threshold`` (primary suppression);
* every other count, **and every total**, is rounded to the nearest multiple of ``base``
  (conventional rounding, halves up) from its true value.

Totals are rounded independently of their parts, so a total minus its visible parts is
off by the rounding of every term. At the edges of the rounding intervals that is not
always enough (15 + 15 + "< 5" = 25 can only be 13 + 13 + 1), so a total is also audited
against the parts shown beside it (:func:`protected_total`): :func:`feasible_values`
works out, as an attacker would, which true values agree with everything shown, and a
total that would pin a suppressed part down is withheld (``—``). Roles allowed to see
small counts get the exact figures.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from community_map.settings import get_settings

__all__ = [
    "WITHHELD",
    "count_bounds",
    "feasible_values",
    "people_count",
    "protected_total",
    "rounded",
    "suppressed",
]

#: How a withheld total reads.
WITHHELD = "—"
_UNBOUNDED = 10**12


def suppressed(count: int, *, threshold: int) -> str:
    """Show ``count``, or ``< threshold`` when it is positive but below the threshold.

    Examples
    --------
    >>> suppressed(3, threshold=5), suppressed(0, threshold=5), suppressed(12, threshold=5)
    ('< 5', '0', '12')
    """
    if 0 < count < threshold:
        return f"< {threshold}"
    return f"{count:,}".replace(",", "\u202f")


def rounded(count: int, *, base: int = 5) -> int:
    """Round ``count`` to the nearest multiple of ``base``, halves up.

    Examples
    --------
    >>> [rounded(n) for n in (5, 7, 8, 12, 13, 1334)]
    [5, 5, 10, 10, 15, 1335]
    """
    return base * math.floor(count / base + 0.5)


def people_count(
    count: int, *, exact: bool, threshold: int | None = None, base: int | None = None
) -> tuple[float, str]:
    """Return the value and the text to show for a count of people.

    Parameters
    ----------
    count
        The true count.
    exact
        Whether the reader may see exact counts (the ``see_small_counts`` permission).
    threshold
        The smallest count shown to other readers; smaller positive counts read
        ``< threshold`` and have no value (NaN). Default: the ``small_count_threshold``
        setting.
    base
        Other counts are rounded to a multiple of this. Default: the
        ``count_rounding_base`` setting.

    Examples
    --------
    >>> people_count(3, exact=False), people_count(13, exact=False), people_count(0, exact=False)
    ((nan, '< 5'), (15.0, '15'), (0.0, '0'))
    >>> people_count(13, exact=True)
    (13.0, '13')
    """
    if exact:
        return float(count), suppressed(count, threshold=1)
    settings = get_settings()
    threshold = settings.small_count_threshold if threshold is None else threshold
    base = settings.count_rounding_base if base is None else base
    if 0 < count < threshold:
        return math.nan, f"< {threshold}"
    value = rounded(count, base=base) if count else 0
    return float(value), suppressed(value, threshold=1)


def count_bounds(shown: str | float, *, threshold: int = 5, base: int = 5) -> tuple[int, int]:
    """Return the smallest and largest true count that :func:`people_count` shows as ``shown``.

    Examples
    --------
    >>> count_bounds("< 5"), count_bounds(0), count_bounds(5), count_bounds(15)
    ((1, 4), (0, 0), (5, 7), (13, 17))
    """
    if isinstance(shown, str):
        text = shown.replace("\u202f", "").strip()
        if text == WITHHELD:
            return 0, _UNBOUNDED
        if text.startswith("<"):
            return 1, threshold - 1
        shown = float(text)
    value = int(shown)
    if value == 0:
        return 0, 0
    low = math.ceil(value - base / 2)
    high = math.ceil(value + base / 2) - 1
    # a shown (unsuppressed) count was at least the threshold
    return (max(low, threshold) if value >= threshold else low), high


def feasible_values(
    parts: Sequence[str | float], total: str | float, *, threshold: int = 5, base: int = 5
) -> list[set[int]]:
    """Return, for each part, the true values that agree with the shown parts and total.

    The attacker's view of a table whose parts add up to its total: every part lies in
    its :func:`count_bounds`, and the parts sum to a value within the total's bounds. A
    suppressed part whose set has one element has been recovered.

    Examples
    --------
    A district of 23 people in neighbourhoods of 12, 9 and 2 is shown as 25 = 10 + 10 +
    "< 5"; the suppressed neighbourhood could still be 1, 2, 3 or 4:

    >>> feasible_values([10, 10, "< 5"], 25)[2]
    {1, 2, 3, 4}

    Exact figures would give it away:

    >>> feasible_values([12, 9, "< 5"], 23, base=1)[2]
    {2}
    """
    bounds = [count_bounds(p, threshold=threshold, base=base) for p in parts]
    t_low, t_high = count_bounds(total, threshold=threshold, base=base)
    low_sum = sum(low for low, _ in bounds)
    high_sum = sum(high for _, high in bounds)
    result = []
    for low, high in bounds:
        rest_low, rest_high = low_sum - low, high_sum - high
        result.append(
            {v for v in range(low, high + 1) if t_low - rest_high <= v <= t_high - rest_low}
        )
    return result


def protected_total(
    parts: Sequence[str | float],
    total: int,
    *,
    exact: bool,
    threshold: int | None = None,
    base: int | None = None,
) -> str:
    """Return the text of a total shown beside its ``parts``, withheld if it gives one away.

    Parameters
    ----------
    parts
        The parts as shown (texts of :func:`people_count`).
    total
        The true total.
    exact, threshold, base
        As for :func:`people_count`.

    Examples
    --------
    >>> protected_total(["10", "10", "< 5"], 23, exact=False, threshold=5, base=5)
    '25'
    >>> protected_total(["15", "15", "< 5"], 27, exact=False, threshold=5, base=5)
    '—'
    """
    settings = get_settings()
    threshold = settings.small_count_threshold if threshold is None else threshold
    base = settings.count_rounding_base if base is None else base
    _value, text = people_count(total, exact=exact, threshold=threshold, base=base)
    if exact:
        return text
    values = feasible_values(parts, text, threshold=threshold, base=base)
    pinned = any(
        len(v) == 1 and count_bounds(p, threshold=threshold, base=base) == (1, threshold - 1)
        for p, v in zip(parts, values, strict=True)
    )
    return WITHHELD if pinned else text
