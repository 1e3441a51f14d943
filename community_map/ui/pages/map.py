"""Map page: assets by category on the territory, filters, choropleth, click-to-add, exports."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from community_map import territory
from community_map.i18n import gettext as _
from community_map.territory import (
    ACCESSIBILITY_LABELS,
    INDICATORS,
    lonlat_to_metric,
    neighbourhood_indicator,
)
from community_map.trust import Permission
from community_map.ui import map_panels, shell

actor = shell.require_actor()
language = shell.setup_language()
conf = shell.settings()
version = map_panels.data_version()
data = map_panels.load_territory(version, conf.stale_after_days)
names = map_panels.category_names(data["categories"], language)
assets = data["assets"]

st.title(_("Territory map"))
with st.expander(_("Filters and layers"), expanded=True):
    c1, c2, c3 = st.columns(3)
    search = c1.text_input(_("Search by name"), key="map_search")
    chosen = c1.multiselect(
        _("Categories"), list(names), format_func=names.__getitem__, key="map_categories"
    )
    tags = c1.multiselect(_("Tags"), territory.all_tags(assets), key="map_tags")
    districts = dict(zip(data["districts"]["code"], data["districts"]["name"], strict=True))
    chosen_districts = c2.multiselect(
        _("Districts"), list(districts), format_func=districts.__getitem__, key="map_districts"
    )
    hoods = data["neighbourhoods"]
    if chosen_districts:
        hoods = hoods[hoods["parent_code"].isin(chosen_districts)]
    hood_names = dict(zip(hoods["code"], hoods["name"], strict=True))
    chosen_hoods = c2.multiselect(
        _("Neighbourhoods"), list(hood_names), format_func=hood_names.__getitem__, key="map_hoods"
    )
    access = c2.multiselect(
        _("Accessibility"),
        list(ACCESSIBILITY_LABELS),
        key="map_access",
        format_func=lambda a: _(ACCESSIBILITY_LABELS[a]),
    )
    indicator_key = c3.selectbox(
        _("Shade neighbourhoods by"),
        ["", *INDICATORS],
        format_func=lambda k: _(INDICATORS[k]) if k else _("Nothing"),
        key="map_indicator",
    )
    per_category = c3.selectbox(
        _("Category for the indicator"),
        list(names),
        format_func=names.__getitem__,
        key="map_indicator_category",
        disabled=indicator_key != "assets_per_10k",
    )
    show_catchments = c3.checkbox(_("Social services centre catchment areas"), key="map_catchments")

shown = territory.filter_assets(
    assets,
    search=search,
    categories=chosen,
    tags=tags,
    districts=chosen_districts,
    neighbourhoods=chosen_hoods,
    accessibility=access,
)
indicator = None
if indicator_key:
    with shell.db_session() as session:
        indicator = neighbourhood_indicator(
            session, indicator_key, actor=actor, category=per_category
        )
fmap = map_panels.build_map(data, shown, language, indicator, show_catchments)
st.caption(
    shell.plain(
        _(
            "{n} of {total} assets shown. Dashed markers: not verified in the last {days} days."
        ).format(n=len(shown), total=len(assets), days=conf.stale_after_days)
    )
)
result = st_folium(
    fmap,
    key=f"territory_map_{version}",
    height=560,
    use_container_width=True,
    returned_objects=["last_clicked"],
)
clicked = (result or {}).get("last_clicked")
if clicked:
    st.session_state[map_panels.NEW_POINT_KEY] = (clicked["lat"], clicked["lng"])

map_panels.export_buttons(shown, fmap)

if actor.can(Permission.EDIT_ASSETS):
    point = st.session_state.get(map_panels.NEW_POINT_KEY)
    st.subheader(_("Add an asset"))
    if point is None:
        st.info(_("Click on the map where the new asset is."))
    else:
        st.caption(
            shell.plain(_("New asset at {lat:.5f}, {lon:.5f}").format(lat=point[0], lon=point[1]))
        )
        fields = map_panels.asset_form(key="new_asset", names=names)
        if fields is not None:
            x, y = lonlat_to_metric(point[1], point[0])
            if map_panels.save("create", actor, x=x, y=y, **fields):
                st.session_state.pop(map_panels.NEW_POINT_KEY, None)
                st.success(shell.plain(_("Asset {name} added.").format(name=fields["name"])))
                st.rerun()
    if not shown.empty:
        st.subheader(_("Edit or deactivate an asset"))
        labels = map_panels.asset_labels(shown, names)
        asset_id = st.selectbox(
            _("Asset"), list(labels), format_func=labels.__getitem__, key="edit_asset_id"
        )
        row = shown.loc[asset_id]
        # keyed on the version too: after anyone's save the form shows the stored values
        fields = map_panels.asset_form(
            key=f"edit_{asset_id}_{int(row['version'])}", names=names, row=row
        )
        if fields is not None and map_panels.save(
            "update", actor, asset_id=int(asset_id), version=int(row["version"]), **fields
        ):
            st.rerun()
        if st.button(_("Deactivate this asset"), key="deactivate_asset") and map_panels.save(
            "deactivate", actor, asset_id=int(asset_id), version=int(row["version"]), active=False
        ):
            st.rerun()

st.dataframe(map_panels.assets_table(shown, names), hide_index=True, width="stretch")
