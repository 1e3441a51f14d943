"""Shared widgets of the register pages: search, Excel template/export and import.

Every register page (participants, services, professionals, collaborations, referrals,
tie surveys, assessments) draws the same panels, so a user learns them once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session

from community_map.errors import CommunityMapError
from community_map.i18n import gettext as _
from community_map.registry import RegisterImport
from community_map.ui import shell

__all__ = ["excel_panel", "searched"]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def searched(frame: pd.DataFrame, columns: Sequence[str], *, key: str) -> pd.DataFrame:
    """A search box over ``columns`` of ``frame``: the rows containing every word typed."""
    text = st.text_input(_("Search"), key=f"{key}_search", placeholder=_("Type to filter"))
    if not text.strip() or frame.empty:
        return frame
    haystack = frame[list(columns)].astype(str).agg(" ".join, axis=1).str.casefold()
    keep = pd.Series(True, index=frame.index)
    for word in text.casefold().split():
        keep &= haystack.str.contains(word, regex=False)
    return frame[keep]


def excel_panel(
    *,
    key: str,
    file_stem: str,
    template: Callable[[], bytes],
    export: Callable[[Session], bytes] | None,
    importer: Callable[[Session, bytes, str, bool], RegisterImport] | None,
) -> None:
    """An expander to download the template and the register, and to import a workbook.

    ``export`` is made on the click (an export of personal data audits itself there);
    ``importer(session, data, file_name, skip_bad_rows)`` runs in one transaction: all or
    nothing unless the user ticks "skip bad rows", and then the skipped rows are listed.
    """
    with st.expander(_("Excel: template, export and import")):
        c1, c2 = st.columns(2)
        c1.download_button(
            _("Download the empty template"),
            template(),
            f"{file_stem}_template.xlsx",
            XLSX,
            key=f"{key}_template",
        )
        if export is not None:
            with c2:
                shell.deferred_download(
                    _("Download the register (Excel)"),
                    export,
                    f"{file_stem}.xlsx",
                    XLSX,
                    key=f"{key}_export",
                )
        if importer is None:
            return
        upload = st.file_uploader(
            _("Import a workbook (.xlsx)"),
            type=["xlsx"],
            key=f"{key}_upload",
            max_upload_size=shell.upload_limit_mb(),
            help=shell.upload_help(),
        )
        skip = st.checkbox(
            _("Skip bad rows and import the rest (you get a list of what was skipped)"),
            key=f"{key}_skip",
        )
        go = st.button(
            _("Import"), type="primary", disabled=upload is None, key=f"{key}_import_button"
        )
        if go and upload is not None and not shell.upload_too_large(upload):
            try:
                with shell.db_session() as session:
                    done = importer(session, upload.getvalue(), upload.name, skip)
            except CommunityMapError as exc:
                shell.report_error(exc)
                st.info(_("Nothing was imported."))
            else:
                st.cache_data.clear()
                st.session_state[f"{key}_report"] = done
        report: RegisterImport | None = st.session_state.get(f"{key}_report")
        if report is not None:
            st.success(shell.plain(report.summary()))
            if report.skipped:
                shell.show_table(report.skipped_frame())
