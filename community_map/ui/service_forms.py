"""The forms of the Services page: services, professionals, services from centres.

Each function draws one tab; they read widgets, call :mod:`community_map.territory` and
draw its results.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from community_map import territory
from community_map.errors import CommunityMapError
from community_map.i18n import gettext as _
from community_map.trust import Actor
from community_map.ui import register_panels, shell

__all__ = ["centres_tab", "professionals_tab", "services_tab"]


def _saved(message: str) -> None:
    st.session_state["services_flash"] = message
    st.cache_data.clear()
    st.rerun()


def services_tab(
    actor: Actor,
    services: pd.DataFrame,
    places: dict[int, str],
    areas: dict[int, str],
    fields: dict[str, str],
    natures: dict[str, str],
) -> None:
    """The services and entities list, its edit form and its Excel panel."""
    c1, c2 = st.columns(2)
    field_filter = c1.selectbox(
        _("Field of work"),
        [None, *fields],
        format_func=lambda v: _("All") if v is None else fields[v],
    )
    nature_filter = c2.selectbox(
        _("Legal nature"),
        [None, *natures],
        format_func=lambda v: _("All") if v is None else natures[v],
    )
    shown = services
    if field_filter:
        shown = shown[shown["field_of_work"] == field_filter]
    if nature_filter:
        shown = shown[shown["legal_nature"] == nature_filter]
    shown = register_panels.searched(
        shown, ["code", "name", "organisation", "asset"], key="services"
    )
    shell.show_table(
        shown.assign(
            field_of_work=shown["field_of_work"].map(fields),
            legal_nature=shown["legal_nature"].map(natures),
            is_active=shown["is_active"].map({True: _("yes"), False: _("no")}),
        )[
            [
                "code",
                "name",
                "field_of_work",
                "legal_nature",
                "organisation",
                "asset",
                "catchment",
                "is_active",
            ]
        ],
        {
            "code": _("Code"),
            "name": _("Name"),
            "field_of_work": _("Field of work"),
            "legal_nature": _("Legal nature"),
            "organisation": _("Parent organisation"),
            "asset": _("Place on the map"),
            "catchment": _("Catchment area"),
            "is_active": _("Active"),
        },
    )
    rows = {int(r.id): r for r in services.itertuples(index=False)}
    chosen = st.selectbox(
        _("Service to edit"),
        [None, *rows],
        format_func=lambda i: _("New service") if i is None else f"{rows[i].code} · {rows[i].name}",
        key="service_chosen",
    )
    current: Any = rows.get(chosen) if chosen is not None else None
    suffix = f"{chosen}_{current.version if current is not None else 0}"
    with st.form(f"service_{suffix}"):
        code = st.text_input(
            _("Code"), current.code if current is not None else "", placeholder="CSS-RAVAL"
        )
        name = st.text_input(_("Name"), current.name if current is not None else "")
        f1, f2 = st.columns(2)
        field_keys = list(fields)
        field = f1.selectbox(
            _("Field of work"),
            field_keys,
            index=field_keys.index(current.field_of_work) if current is not None else 0,
            format_func=fields.__getitem__,
        )
        nature_keys = list(natures)
        nature = f2.selectbox(
            _("Legal nature"),
            nature_keys,
            index=nature_keys.index(current.legal_nature) if current is not None else 0,
            format_func=natures.__getitem__,
        )
        organisation = st.text_input(
            _("Parent organisation"), current.organisation if current is not None else ""
        )
        place_ids: list[int | None] = [None, *places]
        place_now = None if current is None or pd.isna(current.asset_id) else int(current.asset_id)
        place = st.selectbox(
            _("Place on the map"),
            place_ids,
            index=place_ids.index(place_now) if place_now in places else 0,
            format_func=lambda i: "—" if i is None else f"{places[i]} ({i})",
        )
        area_ids: list[int | None] = [None, *areas]
        area_now = (
            None if current is None or pd.isna(current.catchment_id) else int(current.catchment_id)
        )
        area = st.selectbox(
            _("Catchment area"),
            area_ids,
            index=area_ids.index(area_now) if area_now in areas else 0,
            format_func=lambda i: "—" if i is None else areas[i],
        )
        active = st.checkbox(_("Active"), bool(current.is_active) if current is not None else True)
        save = st.form_submit_button(_("Save the service"), type="primary")
    if save:
        values = {
            "code": code,
            "name": name,
            "field_of_work": field,
            "legal_nature": nature,
            "organisation": organisation,
            "asset_id": place,
            "catchment_id": area,
            "is_active": active,
        }
        try:
            with shell.db_session() as session:
                saved = territory.save_service(
                    session,
                    actor=actor,
                    values=values,
                    service_id=None if current is None else int(current.id),
                    version=None if current is None else int(current.version),
                )
                message = _("Service {code} saved.").format(code=saved.code)
        except CommunityMapError as exc:
            shell.report_error(exc)
        else:
            _saved(message)
    register_panels.excel_panel(
        key="services_xlsx",
        file_stem="services",
        template=territory.services_template,
        export=lambda s: territory.services_to_excel(s, actor=actor),
        importer=lambda s, data, name, skip: territory.import_services(
            s, data, actor=actor, path=name, skip_bad_rows=skip
        ),
    )


def professionals_tab(actor: Actor, services: pd.DataFrame, professionals: pd.DataFrame) -> None:
    """The professionals list, its edit form and its Excel panel."""
    service_names = {int(r.id): f"{r.code} · {r.name}" for r in services.itertuples(index=False)}
    by_service = st.selectbox(
        _("Service"),
        [None, *service_names],
        format_func=lambda i: _("All") if i is None else service_names[i],
        key="staff_service_filter",
    )
    staff = (
        professionals
        if by_service is None
        else professionals[professionals["service_id"] == by_service]
    )
    staff = register_panels.searched(
        staff, ["code", "display_name", "role", "service"], key="staff"
    )
    shell.show_table(
        staff.assign(is_active=staff["is_active"].map({True: _("yes"), False: _("no")}))[
            ["code", "display_name", "role", "service", "starts_on", "ends_on", "is_active"]
        ],
        {
            "code": _("Code"),
            "display_name": _("Name"),
            "role": _("Profession"),
            "service": _("Service"),
            "starts_on": _("Active from"),
            "ends_on": _("Active until"),
            "is_active": _("Active"),
        },
    )
    people = {int(r.id): r for r in professionals.itertuples(index=False)}
    picked = st.selectbox(
        _("Professional to edit"),
        [None, *people],
        format_func=lambda i: (
            _("New professional")
            if i is None
            else f"{people[i].code} · {people[i].display_name or people[i].role}"
        ),
        key="professional_chosen",
    )
    person: Any = people.get(picked) if picked is not None else None
    suffix = f"{picked}_{person.version if person is not None else 0}"
    with st.form(f"professional_{suffix}"):
        p_code = st.text_input(
            _("Code"), person.code if person is not None else "", placeholder="TS-01"
        )
        p_name = st.text_input(
            _("Name (optional: staff may be named)"),
            person.display_name if person is not None else "",
        )
        p_role = st.text_input(
            _("Profession"),
            person.role if person is not None else "",
            placeholder=_("Social worker"),
        )
        service_ids = list(service_names)
        p_service = st.selectbox(
            _("Service"),
            service_ids,
            index=service_ids.index(int(person.service_id)) if person is not None else 0,
            format_func=service_names.__getitem__,
        )
        d1, d2 = st.columns(2)
        p_from = d1.date_input(
            _("Active from"),
            None if person is None or pd.isna(person.starts_on) else person.starts_on,
            format="DD/MM/YYYY",
        )
        p_until = d2.date_input(
            _("Active until"),
            None if person is None or pd.isna(person.ends_on) else person.ends_on,
            format="DD/MM/YYYY",
        )
        p_active = st.checkbox(_("Active"), bool(person.is_active) if person is not None else True)
        p_save = st.form_submit_button(
            _("Save the professional"), type="primary", disabled=not service_ids
        )
    if not service_ids:
        st.info(_("Add a service first: every professional works in one."))
    if p_save:
        values = {
            "code": p_code,
            "display_name": p_name,
            "role": p_role,
            "service_id": p_service,
            "starts_on": p_from if isinstance(p_from, dt.date) else None,
            "ends_on": p_until if isinstance(p_until, dt.date) else None,
            "is_active": p_active,
        }
        try:
            with shell.db_session() as session:
                saved_pro = territory.save_professional(
                    session,
                    actor=actor,
                    values=values,
                    professional_id=None if person is None else int(person.id),
                    version=None if person is None else int(person.version),
                )
                message = _("Professional {code} saved.").format(code=saved_pro.code)
        except CommunityMapError as exc:
            shell.report_error(exc)
        else:
            _saved(message)
    register_panels.excel_panel(
        key="professionals_xlsx",
        file_stem="professionals",
        template=territory.professionals_template,
        export=lambda s: territory.professionals_to_excel(s, actor=actor),
        importer=lambda s, data, name, skip: territory.import_professionals(
            s, data, actor=actor, path=name, skip_bad_rows=skip
        ),
    )


def centres_tab(actor: Actor, fields: dict[str, str], natures: dict[str, str]) -> None:
    """Make a service of each place of a category that has none."""
    st.caption(
        _(
            "Places imported from Open Data BCN (or any file) are points on the map. Make a "
            "service of each place of a category that has none yet, e.g. every social services "
            "centre, so it can take part in networks and collaborations."
        )
    )
    with shell.db_session() as session:
        counts = territory.places_without_service(session)
    if counts.empty:
        st.info(_("Every place on the map already has a service, or there are no places yet."))
    else:
        labels = {
            row.category: f"{row.label} ({row.places})" for row in counts.itertuples(index=False)
        }
        with st.form("services_from_places"):
            category = st.selectbox(
                _("Places of the category"), list(labels), format_func=labels.__getitem__
            )
            g1, g2 = st.columns(2)
            c_field = g1.selectbox(_("Field of work"), list(fields), format_func=fields.__getitem__)
            c_nature = g2.selectbox(
                _("Legal nature"), list(natures), format_func=natures.__getitem__
            )
            c_org = st.text_input(_("Parent organisation"), placeholder="Ajuntament de Barcelona")
            make = st.form_submit_button(_("Create the services"), type="primary")
        if make:
            try:
                with shell.db_session() as session:
                    done = territory.services_from_category(
                        session,
                        category,
                        actor=actor,
                        field_of_work=c_field,
                        legal_nature=c_nature,
                        organisation=c_org,
                    )
                    message = _("{n} services created.").format(n=done.created)
            except CommunityMapError as exc:
                shell.report_error(exc)
            else:
                _saved(message)
