"""Networks over time: windows, reads, building, metrics, changes, drawing and exports.

The names the web app, the command line and the benchmarks use are re-exported here;
callers import them from this package (or from :mod:`community_map.network`), never from
the modules inside it.
"""

from __future__ import annotations

from community_map.networks.building import (
    LAYERS,
    SERVICE_LAYERS,
    Weighting,
    combine_layers,
    enrolled_in,
    graph_from_attendance,
    graph_from_reported_ties,
    networks_by_window,
    participant_networks,
    referral_network,
    respondents_in,
    service_network,
)
from community_map.networks.changes import TRANSITIONS, isolation_changes, tie_changes
from community_map.networks.collaboration_register_excel import (
    collaborations_template,
    collaborations_to_excel,
    import_collaborations,
    import_referrals,
    referrals_template,
    referrals_to_excel,
)
from community_map.networks.collaboration_register_reads import (
    collaborations_frame,
    referrals_frame,
    require_register_reader,
)
from community_map.networks.collaboration_register_writes import (
    create_collaboration,
    create_referral,
    delete_collaboration,
    delete_referral,
    update_collaboration,
    update_referral,
)
from community_map.networks.coordination_register_excel import (
    coordination_template,
    coordination_to_excel,
    import_coordination,
)
from community_map.networks.coordination_register_reads import (
    meetings_frame,
    members_frame,
    spaces_frame,
)
from community_map.networks.coordination_register_writes import (
    add_member,
    create_meeting,
    create_space,
    delete_meeting,
    delete_space,
    member_reference,
    remove_member,
    update_meeting,
    update_space,
)
from community_map.networks.exports import (
    graph_to_csv,
    graph_to_graphml,
    metrics_to_excel,
    sheet_name,
)
from community_map.networks.gexf import graphs_to_gexf
from community_map.networks.layout import stable_layout
from community_map.networks.metrics import (
    MIN_INTERPRETABLE_NODES,
    WindowMetrics,
    ei_index,
    graph_metrics,
    metrics_by_window,
    node_metrics,
)
from community_map.networks.reads import (
    participant_tables,
    series_tables,
    service_network_tables,
)
from community_map.networks.series import (
    GROUPS,
    WINDOW_KINDS,
    NetworkSeries,
    WindowKind,
    adjacency_table,
    network_series,
    series_windows,
)
from community_map.networks.survey_register_excel import (
    SURVEY_COLUMNS,
    import_surveys,
    surveys_template,
    surveys_to_excel,
)
from community_map.networks.survey_register_reads import (
    RESPONSE_FRAME_COLUMNS,
    ResponseRate,
    measurement_point_by_name,
    programme_participant_ids,
    response_rate,
    responses_frame,
    survey_participant_codes,
    survey_point_options,
    survey_ties,
)
from community_map.networks.survey_register_writes import (
    QUESTION_TIE_KINDS,
    delete_survey_response,
    record_survey_response,
)
from community_map.networks.tie_writes import TIE_KINDS, record_reported_ties
from community_map.networks.windows import (
    MODES,
    Mode,
    Window,
    apply_mode,
    data_span,
    parse_wave,
    regular_windows,
    windows_from_waves,
)

__all__ = [
    "GROUPS",
    "LAYERS",
    "MIN_INTERPRETABLE_NODES",
    "MODES",
    "QUESTION_TIE_KINDS",
    "RESPONSE_FRAME_COLUMNS",
    "SERVICE_LAYERS",
    "SURVEY_COLUMNS",
    "TIE_KINDS",
    "TRANSITIONS",
    "WINDOW_KINDS",
    "Mode",
    "NetworkSeries",
    "ResponseRate",
    "Weighting",
    "Window",
    "WindowKind",
    "WindowMetrics",
    "add_member",
    "adjacency_table",
    "apply_mode",
    "collaborations_frame",
    "collaborations_template",
    "collaborations_to_excel",
    "combine_layers",
    "coordination_template",
    "coordination_to_excel",
    "create_collaboration",
    "create_meeting",
    "create_referral",
    "create_space",
    "data_span",
    "delete_collaboration",
    "delete_meeting",
    "delete_referral",
    "delete_space",
    "delete_survey_response",
    "ei_index",
    "enrolled_in",
    "graph_from_attendance",
    "graph_from_reported_ties",
    "graph_metrics",
    "graph_to_csv",
    "graph_to_graphml",
    "graphs_to_gexf",
    "import_collaborations",
    "import_coordination",
    "import_referrals",
    "import_surveys",
    "isolation_changes",
    "measurement_point_by_name",
    "meetings_frame",
    "member_reference",
    "members_frame",
    "metrics_by_window",
    "metrics_to_excel",
    "network_series",
    "networks_by_window",
    "node_metrics",
    "parse_wave",
    "participant_networks",
    "participant_tables",
    "programme_participant_ids",
    "record_reported_ties",
    "record_survey_response",
    "referral_network",
    "referrals_frame",
    "referrals_template",
    "referrals_to_excel",
    "regular_windows",
    "remove_member",
    "require_register_reader",
    "respondents_in",
    "response_rate",
    "responses_frame",
    "series_tables",
    "series_windows",
    "service_network",
    "service_network_tables",
    "sheet_name",
    "spaces_frame",
    "stable_layout",
    "survey_participant_codes",
    "survey_point_options",
    "survey_ties",
    "surveys_template",
    "surveys_to_excel",
    "tie_changes",
    "update_collaboration",
    "update_meeting",
    "update_referral",
    "update_space",
    "windows_from_waves",
]
