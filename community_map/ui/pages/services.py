"""Services page: the services and entities register and the professionals register."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import select

from community_map import territory
from community_map.i18n import gettext as _
from community_map.models import (
    FIELD_OF_WORK_LABELS,
    LEGAL_NATURE_LABELS,
    Asset,
    FieldOfWork,
    LegalNature,
    TerritoryUnit,
)
from community_map.trust import Permission
from community_map.ui import service_forms, shell

actor = shell.require_permission(Permission.EDIT_SERVICES)
shell.setup_language()
st.title(_("Services and professionals"))
st.caption(
    _(
        "The centres, services and entities that work in the territory (their field of work and "
        "legal nature are separate), and their professionals. They make up the inter-service "
        "networks and are offered when planning sessions."
    )
)
if flash := st.session_state.pop("services_flash", None):
    st.success(shell.plain(flash))

FIELDS = {f.value: _(FIELD_OF_WORK_LABELS[f]) for f in FieldOfWork}
NATURES = {n.value: _(LEGAL_NATURE_LABELS[n]) for n in LegalNature}

with shell.db_session() as session:
    services = territory.services_frame(session)
    professionals = territory.professionals_frame(session)
    places = dict(
        session.execute(select(Asset.id, Asset.name).where(Asset.is_active.is_(True))).all()
    )
    areas = {
        uid: f"{code} · {name}"
        for uid, code, name in session.execute(
            select(TerritoryUnit.id, TerritoryUnit.code, TerritoryUnit.name).order_by(
                TerritoryUnit.kind, TerritoryUnit.code
            )
        )
    }


service_tab, staff_tab, from_centres_tab = st.tabs(
    [_("Services and entities"), _("Professionals"), _("From centres on the map")]
)
with service_tab:
    service_forms.services_tab(actor, services, places, areas, FIELDS, NATURES)
with staff_tab:
    service_forms.professionals_tab(actor, services, professionals)
with from_centres_tab:
    service_forms.centres_tab(actor, FIELDS, NATURES)
