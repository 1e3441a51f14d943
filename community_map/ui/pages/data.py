"""Data page: import boundaries and assets from files, with clear reports of problems."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from community_map import territory
from community_map.errors import CommunityMapError
from community_map.i18n import gettext as _
from community_map.i18n import ngettext
from community_map.territory import assets_from_file, boundaries_from_file
from community_map.trust import Permission
from community_map.ui import map_panels, shell

actor = shell.require_permission(Permission.IMPORT_DATA)
language = shell.setup_language()
st.title(_("Import data"))
boundaries_tab, assets_tab = st.tabs([_("Boundaries"), _("Assets")])


def _saved(upload) -> Path:  # type: ignore[no-untyped-def]
    folder = Path(tempfile.mkdtemp(prefix="community_map_"))
    path = folder / Path(upload.name).name
    path.write_bytes(upload.getvalue())
    return path


def _report(result) -> None:  # type: ignore[no-untyped-def]
    st.success(
        shell.plain(
            _("Imported: {created} new, {updated} updated, {unchanged} unchanged.").format(
                created=result.created, updated=result.updated, unchanged=result.unchanged
            )
        )
    )
    st.cache_data.clear()


with boundaries_tab:
    upload = st.file_uploader(
        _("File (GeoJSON, TopoJSON, zipped Shapefile, GeoPackage, CSV with WKT)"),
        type=["geojson", "json", "topojson", "zip", "gpkg", "csv"],
        key="boundary_file",
        max_upload_size=shell.upload_limit_mb(),
        help=shell.upload_help(),
    )
    kinds = {
        "district": _("Districts"),
        "neighbourhood": _("Neighbourhoods"),
        "catchment": _("Social services centre catchment areas"),
    }
    kind = st.selectbox(
        _("The polygons are"), list(kinds), format_func=kinds.__getitem__, key="boundary_kind"
    )
    cols = st.columns(3)
    crs = cols[0].text_input(
        _("Coordinate system, if the file declares none"),
        placeholder="EPSG:25831",
        key="boundary_crs",
    )
    code_column = cols[1].text_input(_("Code column (optional)"), key="boundary_code")
    name_column = cols[2].text_input(_("Name column (optional)"), key="boundary_name")
    if (
        st.button(
            _("Import boundaries"), type="primary", disabled=upload is None, key="boundary_import"
        )
        and upload is not None
        and not shell.upload_too_large(upload)
    ):
        try:
            units = boundaries_from_file(
                _saved(upload),
                kind=kind,
                crs=crs or None,
                code_column=code_column or None,
                name_column=name_column or None,
                display_name=upload.name,
                max_mb=shell.upload_limit_mb(),
            )
            for note in units.messages:
                st.info(shell.plain(note))
            with shell.db_session() as session:
                _report(
                    territory.save_boundaries(
                        session, actor=actor, frame=units.frame, kind=kind, source=upload.name
                    )
                )
        except CommunityMapError as exc:
            shell.report_error(exc)

with assets_tab:
    upload = st.file_uploader(
        _("File (CSV, Excel, GeoJSON, Open Data BCN list CSV or API JSON)"),
        type=["csv", "xlsx", "json", "geojson"],
        key="asset_file",
        max_upload_size=shell.upload_limit_mb(),
        help=shell.upload_help(),
    )
    names = map_panels.category_names(
        map_panels.load_territory(map_panels.data_version(), shell.settings().stale_after_days)[
            "categories"
        ],
        language,
    )
    default = st.selectbox(
        _("Category for assets whose source category is not mapped"),
        ["", *names],
        key="asset_default",
        format_func=lambda c: names.get(c, _("None: report them")),
    )
    unmapped = st.session_state.get("asset_unmapped", [])
    category_map: dict[str, str] = {}
    if unmapped:
        st.warning(
            _(
                "Nothing was imported: these source categories have no taxonomy category "
                "yet. Choose one for each (or a default above) and import again."
            )
        )
        edited = st.data_editor(
            pd.DataFrame({"label": unmapped, "category": [None] * len(unmapped)}),
            column_config={
                "label": st.column_config.TextColumn(_("Source category"), disabled=True),
                "category": st.column_config.SelectboxColumn(_("Category"), options=list(names)),
            },
            hide_index=True,
            key="asset_category_map",
        )
        category_map = {r.label: r.category for r in edited.itertuples() if r.category}
    skip = st.checkbox(_("Skip bad rows and give me a report of them"), key="asset_skip")
    make_services = actor.can(Permission.EDIT_SERVICES) and st.checkbox(
        _("Make a service of each social services centre imported (for networks and referrals)"),
        value=True,
        key="asset_services",
    )
    if (
        st.button(_("Import assets"), type="primary", disabled=upload is None, key="asset_import")
        and upload is not None
        and not shell.upload_too_large(upload)
    ):
        try:
            read = assets_from_file(
                _saved(upload),
                category_map=category_map or None,
                default_category=default or None,
                skip_bad_rows=skip,
                display_name=upload.name,
                max_mb=shell.upload_limit_mb(),
            )
            for note in read.messages:
                st.info(shell.plain(note))
            missing = read.frame["category"].isna()
            st.session_state["asset_unmapped"] = sorted(read.unmapped_categories)
            if missing.any():
                st.rerun()
            with shell.db_session() as session:
                _report(
                    territory.import_assets(
                        session, actor=actor, frame=read.frame, note=upload.name
                    )
                )
                if make_services:
                    made = territory.services_for_imported_centres(session, read.frame, actor=actor)
                    if made.created:
                        st.success(
                            shell.plain(
                                _("{n} services created from the imported centres.").format(
                                    n=made.created
                                )
                            )
                        )
            st.session_state["asset_unmapped"] = []
            if not read.skipped.empty:
                left_out = len(read.skipped)
                message = ngettext(
                    "{n} row was left out.", "{n} rows were left out.", left_out
                ).format(n=left_out)
                st.warning(shell.plain(message))
                st.download_button(
                    _("Download the report of skipped rows"),
                    read.skipped_report_csv(),
                    "skipped_rows.csv",
                    "text/csv",
                    key="asset_skipped_report",
                )
        except CommunityMapError as exc:
            shell.report_error(exc)
