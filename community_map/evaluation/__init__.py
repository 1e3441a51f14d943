"""Evaluation: instruments (SSM-Cat), assessments and headline figures.

The public face of the evaluation domain.
"""

from __future__ import annotations

from community_map.evaluation.assessment_register_excel import (
    ASSESSMENT_COLUMNS,
    assessments_template,
    assessments_to_excel,
    import_assessments,
)
from community_map.evaluation.assessment_register_reads import (
    PHASE_LABELS,
    assessment_choices,
    assessment_levels,
    assessments_frame,
    describe_assessment,
    history_table,
    participant_history,
)
from community_map.evaluation.assessment_register_writes import (
    check_information_age,
    create_assessment,
    delete_assessment,
    save_assessment,
    update_assessment,
)
from community_map.evaluation.assessment_writes import record_assessment
from community_map.evaluation.instruments import (
    DEPENDANTS_EXAMPLE,
    INSTRUMENTS_DIR,
    Instrument,
    available_instruments,
    find_instrument,
    instrument_from_definition,
    load_instrument,
    read_instrument_file,
    store_instrument,
)
from community_map.evaluation.overview import (
    FIGURE_LABELS,
    Figure,
    boundaries_are_approximate,
    district_figures,
    home_figures,
)

__all__ = [
    "ASSESSMENT_COLUMNS",
    "DEPENDANTS_EXAMPLE",
    "FIGURE_LABELS",
    "INSTRUMENTS_DIR",
    "PHASE_LABELS",
    "Figure",
    "Instrument",
    "assessment_choices",
    "assessment_levels",
    "assessments_frame",
    "assessments_template",
    "assessments_to_excel",
    "available_instruments",
    "boundaries_are_approximate",
    "check_information_age",
    "create_assessment",
    "delete_assessment",
    "describe_assessment",
    "district_figures",
    "find_instrument",
    "history_table",
    "home_figures",
    "import_assessments",
    "instrument_from_definition",
    "load_instrument",
    "participant_history",
    "read_instrument_file",
    "record_assessment",
    "save_assessment",
    "store_instrument",
    "update_assessment",
]
