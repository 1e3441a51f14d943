"""Evaluation: instruments (SSM-Cat), assessments and headline figures.

The public face of the evaluation domain.
"""

from __future__ import annotations

from community_map.evaluation.assessment_writes import record_assessment
from community_map.evaluation.instruments import INSTRUMENTS_DIR, Instrument, load_instrument
from community_map.evaluation.overview import (
    FIGURE_LABELS,
    Figure,
    boundaries_are_approximate,
    district_figures,
    home_figures,
)

__all__ = [
    "FIGURE_LABELS",
    "INSTRUMENTS_DIR",
    "Figure",
    "Instrument",
    "boundaries_are_approximate",
    "district_figures",
    "home_figures",
    "load_instrument",
    "record_assessment",
]
