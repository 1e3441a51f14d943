"""Disclosure rules: counts of people under the small-count threshold are not shown as such."""

from __future__ import annotations

__all__ = ["suppressed"]


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
