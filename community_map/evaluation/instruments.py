"""Evaluation instruments and assessments (SSM-Cat self-sufficiency matrix).

The instrument (domains, levels and their labels in Catalan, Spanish and English) is
configuration, read from ``community_map/evaluation/data/<code>.json``, not code.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from community_map.errors import NotFoundError
from community_map.i18n import gettext as _

__all__ = ["INSTRUMENTS_DIR", "Instrument", "load_instrument"]

INSTRUMENTS_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Instrument:
    """An assessment instrument: ordered domains and levels with labels per language."""

    code: str
    name: dict[str, str]
    domains: tuple[str, ...]
    domain_labels: dict[str, dict[str, str]]
    levels: tuple[int, ...]
    level_labels: dict[int, dict[str, str]]
    max_information_age_days: int

    def domain_label(self, domain: str, language: str) -> str:
        """Return the label of ``domain`` in ``language`` (falling back to English)."""
        labels = self.domain_labels[domain]
        return labels.get(language, labels["en"])


@functools.cache
def load_instrument(code: str = "ssm-cat") -> Instrument:
    """Read an instrument definition.

    Examples
    --------
    >>> ssm = load_instrument("ssm-cat")
    >>> len(ssm.domains), ssm.levels
    (13, (1, 2, 3, 4, 5))
    """
    path = INSTRUMENTS_DIR / f"{code.replace('-', '_')}.json"
    if not path.is_file():
        known = sorted(p.stem.replace("_", "-") for p in INSTRUMENTS_DIR.glob("*.json"))
        raise NotFoundError(
            _("Unknown instrument {code!r}; available: {known}.").format(
                code=code, known=", ".join(known)
            )
        )
    data = json.loads(path.read_text(encoding="utf-8"))
    return Instrument(
        code=data["code"],
        name=data["name"],
        domains=tuple(d["code"] for d in data["domains"]),
        domain_labels={d["code"]: d["label"] for d in data["domains"]},
        levels=tuple(lv["level"] for lv in data["levels"]),
        level_labels={lv["level"]: lv["label"] for lv in data["levels"]},
        max_information_age_days=int(data["max_information_age_days"]),
    )
