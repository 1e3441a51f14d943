"""Widgets of the Assessments page: a level input per domain, the register's Excel panel."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import streamlit as st

from community_map.evaluation import (
    Instrument,
    assessments_template,
    assessments_to_excel,
    import_assessments,
)
from community_map.trust import Actor, Permission
from community_map.ui import register_panels, shell

__all__ = ["excel", "level_inputs"]


def excel(actor: Actor) -> None:
    """The register's Excel panel: template, export (for roles that may export personal
    data) and import."""
    register_panels.excel_panel(
        key="assessments_excel",
        file_stem="assessments",
        template=assessments_template,
        export=(
            (lambda s: assessments_to_excel(s, actor=actor))
            if actor.can(Permission.EXPORT_PERSONAL_DATA)
            else None
        ),
        importer=lambda s, data, name, skip: import_assessments(
            s, data, actor=actor, path=name, skip_bad_rows=skip
        ),
    )


def level_inputs(
    tool: Instrument, current: Mapping[str, Any] | None, *, key: str, language: str
) -> dict[str, int | None]:
    """A select per domain offering 'Not assessed' (the default) and each level with its
    label and short description; return domain -> level (None: not assessed)."""
    levels: dict[str, int | None] = {}
    options: list[int | None] = [None, *tool.levels]
    for domain in tool.domains:
        stored = current.get(domain) if current is not None else None
        stored = None if stored is None or stored != stored else int(stored)
        levels[domain] = st.selectbox(
            shell.plain(tool.domain_label(domain, language)),
            options,
            index=options.index(stored) if stored in options else 0,
            format_func=functools.partial(tool.level_option, domain, language=language),
            key=f"assessment_level_{domain}_{key}",
        )
    return levels
