"""Folium maps of the territory: boundaries, assets by category, choropleths, catchments.

Assets are drawn as one GeoJSON layer per category (circle markers), not one folium
object per asset, so a city of 10,000 assets builds in a fraction of a second and the
page stays small. Every value that comes from data is HTML-escaped before it reaches
the map (popups and tooltips are inserted as HTML by Leaflet).
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from typing import Any

import branca.colormap as cm
import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from community_map._text import is_missing
from community_map.i18n import gettext as _

__all__ = [
    "BARCELONA_CENTRE",
    "DISPLAY_CRS",
    "POPUP_FIELDS",
    "asset_layers",
    "boundary_layer",
    "choropleth_layer",
    "map_from_assets",
    "map_to_html",
]

DISPLAY_CRS = "EPSG:4326"
BARCELONA_CENTRE = (41.395, 2.165)
# Short property keys keep a city of 10,000 assets under 3 MB of page.
POPUP_FIELDS = {
    "n": "name",
    "a": "address",
    "x": "accessibility_label",
    "h": "opening_hours",
    "v": "verified",
}


def _escape(value: object) -> str:
    if is_missing(value):
        return ""
    return html.escape(str(value), quote=True)


def _points_geojson(frame: gpd.GeoDataFrame, fields: Mapping[str, str]) -> dict[str, Any]:
    """Build a compact GeoJSON FeatureCollection of points with escaped properties.

    ``fields`` maps the short property key to the frame's column.
    """
    shown = frame.to_crs(DISPLAY_CRS)
    lon = np.round(shown.geometry.x.to_numpy(), 5)
    lat = np.round(shown.geometry.y.to_numpy(), 5)
    columns = {key: [_escape(v) for v in shown[column].tolist()] for key, column in fields.items()}
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [float(lon[i]), float(lat[i])]},
            "properties": {key: columns[key][i] for key in fields},
        }
        for i in range(len(shown))
    ]
    return {"type": "FeatureCollection", "features": features}


class _Legend(MacroElement):
    """A fixed legend box listing category colours (labels already escaped)."""

    _template = Template(
        """
        {% macro html(this, kwargs) %}
        <div class="cm-legend" style="position: fixed; bottom: 24px; left: 12px; z-index: 9999;
             background: white; padding: 6px 10px; border: 1px solid #999; border-radius: 4px;
             font: 12px sans-serif; max-height: 40%; overflow-y: auto;">
          <b>{{ this.title }}</b><br>
          {% for colour, label in this.items %}
          <span style="display:inline-block;width:10px;height:10px;border-radius:50%;
                background:{{ colour }};margin-right:4px;"></span>{{ label }}<br>
          {% endfor %}
        </div>
        {% endmacro %}
        """
    )

    def __init__(self, title: str, items: Sequence[tuple[str, str]]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca is untyped
        self._name = "Legend"
        self.title = _escape(title)
        self.items = [(_escape(colour), _escape(label)) for colour, label in items]


def asset_layers(
    assets: gpd.GeoDataFrame,
    *,
    categories: pd.DataFrame,
    language: str,
) -> list[folium.FeatureGroup]:
    """Return one feature group per category present in ``assets``, with escaped popups.

    Parameters
    ----------
    assets
        Assets with columns ``name``, ``category``, ``address``, ``accessibility``,
        ``opening_hours``, ``last_verified``, ``stale`` and point geometry (any CRS).
    categories
        The taxonomy indexed by code, with ``name_ca``/``name_es``/``name_en`` and
        ``colour`` (see :func:`community_map.territory.taxonomy.categories_frame`).
    language
        Language of the category names.
    """
    from community_map.territory.taxonomy import accessibility_label

    name_column = f"name_{language}" if f"name_{language}" in categories else "name_en"
    frame = assets.copy()
    frame["category_name"] = (
        frame["category"].map(categories[name_column]).fillna(frame["category"])
    )
    frame["accessibility_label"] = frame["accessibility"].map(accessibility_label)
    verified = pd.to_datetime(frame["last_verified"]).dt.strftime("%d/%m/%Y").fillna("")
    stale_note = _("not verified recently")
    frame["verified"] = np.where(frame["stale"], verified + " (" + stale_note + ")", verified)
    details = [
        _escape(a)
        for a in (_("Address"), _("Accessibility"), _("Opening hours"), _("Last verified"))
    ]
    groups = []
    for code, part in frame.groupby("category", sort=True):
        colour = str(categories["colour"].get(code, "#555555"))
        label = str(part["category_name"].iloc[0])
        group = folium.FeatureGroup(name=f"{_escape(label)} ({len(part)})", show=True)
        # stale assets in their own layer with a dashed outline: a constant style per
        # layer adds no per-feature styling code to the page
        for stale, subset in part.groupby("stale", sort=True):
            folium.GeoJson(
                _points_geojson(subset, POPUP_FIELDS),
                marker=folium.CircleMarker(
                    radius=5,
                    weight=1 if not stale else 1.5,
                    fill=True,
                    fill_color=colour,
                    color="#444444" if stale else colour,
                    dash_array="2 3" if stale else None,
                    fill_opacity=0.35 if stale else 0.85,
                ),
                # the category's name heads the popup, in the place of the name's label
                popup=folium.GeoJsonPopup(
                    fields=list(POPUP_FIELDS), aliases=[_escape(label), *details], localize=False
                ),
                tooltip=folium.GeoJsonTooltip(fields=["n"], labels=False, localize=False),
                zoom_on_click=False,
            ).add_to(group)
        groups.append(group)
    return groups


def boundary_layer(
    units: gpd.GeoDataFrame,
    *,
    name: str,
    weight: float,
    colour: str = "#333333",
    dash: str | None = None,
    show: bool = True,
) -> folium.FeatureGroup:
    """Return a layer of unit outlines with an escaped name tooltip."""
    group = folium.FeatureGroup(name=_escape(name), show=show)
    if units.empty:
        return group
    shown = units[["code", "name", "geometry"]].to_crs(DISPLAY_CRS).copy()
    shown["label"] = [_escape(f"{c} · {n}") for c, n in zip(shown.code, shown.name, strict=True)]
    folium.GeoJson(
        json.loads(shown[["label", "geometry"]].to_json()),
        style_function=lambda _f: {
            "color": colour,
            "weight": weight,
            "fill": False,
            "dashArray": dash,
        },
        tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False, localize=False),
    ).add_to(group)
    return group


def choropleth_layer(
    neighbourhoods: gpd.GeoDataFrame,
    values: pd.Series,
    *,
    title: str,
    shown_values: pd.Series | None = None,
) -> tuple[folium.FeatureGroup, cm.LinearColormap | None]:
    """Return a layer shading neighbourhoods by ``values`` (indexed by neighbourhood code).

    ``shown_values`` are the texts in the tooltips (for example with small counts
    suppressed); missing values are drawn grey.
    """
    group = folium.FeatureGroup(name=_escape(title), show=True)
    shown = neighbourhoods[["code", "name", "geometry"]].to_crs(DISPLAY_CRS).copy()
    numeric = pd.to_numeric(shown["code"].map(values), errors="coerce")
    texts = shown["code"].map(shown_values if shown_values is not None else values)
    shown["label"] = [
        _escape(f"{n}: {'—' if pd.isna(t) else t}")
        for n, t in zip(shown["name"], texts, strict=True)
    ]
    finite = numeric.dropna()
    colormap = None
    if not finite.empty:
        low, high = float(finite.min()), float(finite.max())
        colormap = cm.LinearColormap(
            ["#fff5eb", "#fd8d3c", "#7f2704"], vmin=low, vmax=high if high > low else low + 1
        )
        colormap.caption = title
    shown["fill"] = [
        "#cccccc" if pd.isna(v) or colormap is None else colormap(float(v)) for v in numeric
    ]
    folium.GeoJson(
        json.loads(shown[["label", "fill", "geometry"]].to_json()),
        style_function=lambda f: {
            "fillColor": f["properties"]["fill"],
            "color": "#555555",
            "weight": 0.6,
            "fillOpacity": 0.6,
        },
        tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False, localize=False),
    ).add_to(group)
    return group, colormap


def map_from_assets(
    assets: gpd.GeoDataFrame,
    *,
    categories: pd.DataFrame,
    language: str = "en",
    districts: gpd.GeoDataFrame | None = None,
    neighbourhoods: gpd.GeoDataFrame | None = None,
    catchments: gpd.GeoDataFrame | None = None,
    indicator: pd.Series | None = None,
    indicator_text: pd.Series | None = None,
    indicator_title: str = "",
) -> folium.Map:
    r"""Build the territory map: boundaries, asset layers with a legend, optional choropleth.

    Examples
    --------
    >>> import shapely
    >>> assets = gpd.GeoDataFrame(
    ...     {"name": ["<b>Casal</b>"], "category": ["civic_centre"], "address": [""],
    ...      "accessibility": ["accessible"], "opening_hours": [""],
    ...      "last_verified": [None], "stale": [True]},
    ...     geometry=[shapely.Point(431000, 4582000)], crs=25831)
    >>> cats = pd.DataFrame({"name_en": ["Civic centre"], "colour": ["#1f77b4"]},
    ...                     index=["civic_centre"])
    >>> html_text = map_from_assets(assets, categories=cats).get_root().render()
    >>> "<b>Casal" in html_text, "\\u0026lt;b\\u0026gt;Casal" in html_text
    (False, True)
    """
    fmap = folium.Map(
        location=BARCELONA_CENTRE,
        zoom_start=12,
        tiles="OpenStreetMap",
        control_scale=False,
        prefer_canvas=True,
    )
    _metric_scale().add_to(fmap)
    if indicator is not None and neighbourhoods is not None and not neighbourhoods.empty:
        layer, colormap = choropleth_layer(
            neighbourhoods, indicator, title=indicator_title, shown_values=indicator_text
        )
        layer.add_to(fmap)
        if colormap is not None:
            colormap.add_to(fmap)
    if catchments is not None and not catchments.empty:
        boundary_layer(
            catchments,
            name=_("Social services centre catchment areas"),
            weight=1.5,
            colour="#b5172f",
            dash="6 4",
            show=False,
        ).add_to(fmap)
    if neighbourhoods is not None:
        boundary_layer(
            neighbourhoods, name=_("Neighbourhoods"), weight=0.8, colour="#666666"
        ).add_to(fmap)
    if districts is not None:
        boundary_layer(districts, name=_("Districts"), weight=2.5).add_to(fmap)
    for group in asset_layers(assets, categories=categories, language=language):
        group.add_to(fmap)
    present = sorted(set(assets["category"]))
    name_column = f"name_{language}" if f"name_{language}" in categories else "name_en"
    items = [
        (str(categories["colour"].get(c, "#555555")), str(categories[name_column].get(c, c)))
        for c in present
    ]
    if items:
        fmap.get_root().add_child(_Legend(_("Categories"), items))
    folium.LayerControl(collapsed=True).add_to(fmap)
    if not assets.empty:
        minx, miny, maxx, maxy = assets.to_crs(DISPLAY_CRS).total_bounds
        fmap.fit_bounds([[miny, minx], [maxy, maxx]])
    return fmap


def map_to_html(fmap: folium.Map) -> str:
    """Return the map as a standalone HTML page (for download).

    Parameters
    ----------
    fmap
        A folium map.

    Examples
    --------
    >>> map_to_html(folium.Map(location=BARCELONA_CENTRE)).startswith("<!DOCTYPE html>")
    True
    """
    return str(fmap.get_root().render())


def _metric_scale() -> MacroElement:
    """Leaflet's scale bar in metres and kilometres only (folium's shows miles too)."""
    scale = MacroElement()  # type: ignore[no-untyped-call]  # branca is untyped
    scale._template = Template(
        """
        {% macro script(this, kwargs) %}
        L.control.scale({metric: true, imperial: false}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )
    return scale
