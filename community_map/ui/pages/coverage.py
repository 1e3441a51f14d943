"""Coverage page: distance to the nearest asset of a category, share within walking distance."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from community_map.i18n import gettext as _
from community_map.territory import coverage_by_neighbourhood, coverage_to_csv, map_from_assets
from community_map.ui import map_panels, shell

actor = shell.require_actor()
language = shell.setup_language()
version = map_panels.data_version()
data = map_panels.load_territory(version, shell.settings().stale_after_days)
names = map_panels.category_names(data["categories"], language)

st.title(_("Coverage and gaps"))
st.caption(
    _(
        "Distances are straight lines and walking distance is a circle around each asset, "
        "not the street network: real walks are longer."
    )
)
cols = st.columns(2)
category = cols[0].selectbox(
    _("Category"), list(names), format_func=names.__getitem__, key="coverage_category"
)
distance = cols[1].slider(
    _("Walking distance (m)"), 100, 2000, 500, step=50, key="coverage_distance"
)

chosen = data["assets"][data["assets"]["category"] == category]
hoods = data["neighbourhoods"]
if hoods.empty:
    st.info(_("There are no neighbourhoods yet: import boundaries on the Data page."))
    st.stop()
table = coverage_by_neighbourhood(hoods, chosen, distance=distance)
gaps = table[table["gap_m"].isna() | (table["gap_m"] > distance)]
st.metric(
    shell.plain(
        _("Neighbourhoods with no {category} within {d} m").format(
            category=names[category].lower(), d=distance
        )
    ),
    f"{len(gaps)} / {len(table)}",
)

fmap = map_from_assets(
    chosen,
    categories=data["categories"],
    language=language,
    districts=data["districts"],
    indicator=(table["share_within"] * 100).round(0),
    indicator_text=(table["share_within"] * 100).round(0).astype(int).astype(str) + " %",
    indicator_title=_("Share of the area within {d} m (%)").format(d=distance),
    neighbourhoods=hoods,
)
st_folium(
    fmap,
    key=f"coverage_map_{version}_{category}_{distance}",
    height=480,
    use_container_width=True,
    returned_objects=[],
)

shown = table.reset_index().rename(
    columns={
        "code": _("Code"),
        "name": _("Neighbourhood"),
        "assets_inside": _("Assets inside"),
        "nearest_m": _("Nearest from the centre (m)"),
        "gap_m": _("Distance from the edge (m)"),
        "share_within": _("Share within walking distance"),
    }
)
st.dataframe(
    shown.sort_values(_("Distance from the edge (m)"), ascending=False),
    hide_index=True,
    width="stretch",
    column_config={
        _("Share within walking distance"): st.column_config.ProgressColumn(
            min_value=0.0, max_value=1.0, format="percent"
        )
    },
)
st.download_button(
    _("Download CSV"),
    coverage_to_csv(table),
    f"coverage_{category}_{distance}m.csv",
    "text/csv",
    key="coverage_csv",
)
