"""The survey waves of the demo programme, Amunt! (knowledge of the demo data only).

Offer them as named waves when the database holds the demo; nothing else in the product
assumes these dates.
"""

from __future__ import annotations

import datetime as dt

__all__ = ["AMUNT_WAVES", "amunt_wave_options"]

#: Amunt!: reception (Sept-Dec 2022), follow-up (Jan-Jun 2023), closure (Jul-Sept 2023).
AMUNT_WAVES: dict[str, tuple[dt.date, dt.date]] = {
    "T0": (dt.date(2022, 9, 1), dt.date(2022, 12, 31)),
    "T1": (dt.date(2023, 1, 1), dt.date(2023, 6, 30)),
    "T2": (dt.date(2023, 7, 1), dt.date(2023, 9, 30)),
}


def amunt_wave_options() -> list[str]:
    """The demo waves written as ``--wave`` options take them (``NAME=START..END``).

    Examples
    --------
    >>> amunt_wave_options()[0]
    'T0=2022-09-01..2022-12-31'
    """
    return [f"{name}={start}..{end}" for name, (start, end) in AMUNT_WAVES.items()]
