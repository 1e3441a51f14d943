"""App-side helpers of the Map and Coverage pages: cached loading, the asset forms and tables.

Caches are keyed on the data version (it grows with every audited write), so an edit
by anyone shows up on the next run without a time-to-live.
"""

from __future__ import annotations

from typing import Any

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st

from community_map import territory, trust
from community_map.errors import CommunityMapError
from community_map.i18n import gettext as _
from community_map.models import Accessibility
from community_map.territory import ACCESSIBILITY_LABELS
from community_map.trust import Actor
from community_map.ui import shell

__all__ = [
    "NEW_POINT_KEY",
    "asset_form",
    "asset_labels",
    "assets_table",
    "build_map",
    "category_names",
    "data_version",
    "export_buttons",
    "load_territory",
    "save",
]

NEW_POINT_KEY = "new_asset_point"


def data_version() -> int:
    """Return the current data version (the newest audit entry)."""
    with shell.db_session() as session:
        return trust.data_version(session)


@st.cache_data(show_spinner=False, max_entries=8)
def load_territory(version: int, stale_after_days: int) -> dict[str, Any]:
    """Load assets, categories and boundaries for one data version."""
    with shell.db_session() as session:
        return territory.map_layers(session, stale_after_days=stale_after_days)


def build_map(
    data: dict[str, Any],
    assets: gpd.GeoDataFrame,
    language: str,
    indicator: Any,
    show_catchments: bool,
) -> folium.Map:
    """Build the territory map.

    A new folium object each run: streamlit-folium renames the map's variables while
    rendering, so a cached map object renders broken JavaScript the second time.
    """
    return territory.map_from_assets(
        assets,
        categories=data["categories"],
        language=language,
        districts=data["districts"],
        neighbourhoods=data["neighbourhoods"],
        catchments=data["catchments"] if show_catchments else None,
        indicator=None if indicator is None else indicator.values,
        indicator_text=None if indicator is None else indicator.texts,
        indicator_title="" if indicator is None else indicator.title,
    )


def category_names(categories: pd.DataFrame, language: str) -> dict[str, str]:
    """Category code → name in ``language``."""
    return territory.category_names(categories, language)


def asset_form(
    *, key: str, names: dict[str, str], row: pd.Series | None = None
) -> dict[str, Any] | None:
    """Draw the asset form; return the entered fields when submitted."""
    access = [a.value for a in Accessibility]
    codes = list(names)
    with st.form(key):
        name = st.text_input(_("Name"), value="" if row is None else row["name"], key=f"{key}_name")
        category = st.selectbox(
            _("Category"),
            codes,
            format_func=names.__getitem__,
            index=0 if row is None else codes.index(row["category"]),
            key=f"{key}_category",
        )
        address = st.text_input(
            _("Address"), value="" if row is None else row["address"], key=f"{key}_address"
        )
        accessibility = st.selectbox(
            _("Accessibility"),
            access,
            key=f"{key}_access",
            index=access.index("unknown" if row is None else row["accessibility"]),
            format_func=lambda a: _(ACCESSIBILITY_LABELS[a]),
        )
        hours = st.text_input(
            _("Opening hours"),
            key=f"{key}_hours",
            value="" if row is None else row["opening_hours"],
            help=_("For example: Mo-Fr 09:00-21:00; Sa 10:00-14:00"),
        )
        tags = st.text_input(
            _("Tags (separated by commas)"),
            key=f"{key}_tags",
            value="" if row is None else ", ".join(row["tags"]),
        )
        capacity = st.number_input(
            _("Capacity (people)"),
            min_value=0,
            step=1,
            key=f"{key}_capacity",
            value=None if row is None or pd.isna(row["capacity"]) else int(row["capacity"]),
        )
        submitted = st.form_submit_button(_("Save"), type="primary")
    if not submitted:
        return None
    return {
        "name": name,
        "category_code": category,
        "address": address,
        "accessibility": accessibility,
        "opening_hours": hours,
        "tags": [t.strip() for t in tags.split(",")],
        "capacity": None if capacity is None else int(capacity),
    }


def save(action: str, actor: Actor, **kwargs: Any) -> bool:
    """Run an asset write through the service layer; show the outcome; True on success."""
    try:
        with shell.db_session() as session:
            if action == "create":
                territory.create_asset(session, actor=actor, **kwargs)
            elif action == "update":
                territory.update_asset(session, actor=actor, **kwargs)
            else:
                territory.set_asset_active(session, actor=actor, **kwargs)
    except CommunityMapError as exc:
        shell.report_error(exc)
        return False
    st.cache_data.clear()
    return True


def export_buttons(shown: gpd.GeoDataFrame, fmap: folium.Map) -> None:
    """Draw the downloads of the assets shown (CSV, Excel, GeoJSON) and of the map (HTML)."""
    exports = st.columns(4)
    exports[0].download_button(
        _("Download CSV"),
        territory.assets_to_csv(shown),
        "assets.csv",
        "text/csv",
        key="export_csv",
    )
    exports[1].download_button(
        _("Download Excel"),
        territory.assets_to_excel(shown),
        "assets.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="export_xlsx",
    )
    exports[2].download_button(
        _("Download GeoJSON"),
        territory.assets_to_geojson(shown),
        "assets.geojson",
        "application/geo+json",
        key="export_geojson",
    )
    exports[3].download_button(
        _("Download map (HTML)"),
        territory.map_to_html(fmap).encode("utf-8"),
        "map.html",
        "text/html",
        key="export_html",
    )


def asset_labels(shown: gpd.GeoDataFrame, names: dict[str, str]) -> dict[Any, str]:
    """Asset id → "name · category" for the first 2000 assets shown (the edit picker)."""
    return {
        i: f"{r['name']} · {names.get(r['category'], r['category'])}"
        for i, r in shown.head(2000).iterrows()
    }


def assets_table(shown: gpd.GeoDataFrame, names: dict[str, str]) -> pd.DataFrame:
    """The table of the assets shown under the map, with category names and headers."""
    table = shown.drop(columns="geometry")[
        ["name", "category", "address", "neighbourhood", "district", "last_verified", "stale"]
    ]
    table = table.assign(category=table["category"].map(names))
    return table.rename(
        columns={
            "name": _("Name"),
            "category": _("Category"),
            "address": _("Address"),
            "neighbourhood": _("Neighbourhood"),
            "district": _("District"),
            "last_verified": _("Last verified"),
            "stale": _("Stale"),
        }
    )
