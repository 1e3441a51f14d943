"""Networks from attendance registers, reported ties and collaborations.

The public face of :mod:`community_map.networks`. ``AMUNT_WAVES``, the survey waves of the
demo programme, is kept importable from here; it lives in :mod:`community_map.demo.waves`.
It and the drawing (``network_html``, ``DrawnNetwork``, ``capped``, which need pyvis) are
loaded only when asked for, so that the command line does not load them.
"""

from __future__ import annotations

import importlib
from typing import Any

from community_map import networks
from community_map.networks import *  # noqa: F403 - this face re-exports the domain's face

_LAZY = {
    "AMUNT_WAVES": "community_map.demo.waves",
    "DrawnNetwork": "community_map.networks.drawing",
    "capped": "community_map.networks.drawing",
    "network_html": "community_map.networks.drawing",
}


def __getattr__(name: str) -> Any:
    """Load the demo waves and the drawing on first use."""
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [*networks.__all__, *_LAZY]
