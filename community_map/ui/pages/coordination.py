"""Coordination spaces page: spaces (motor groups, district tables, case teams), their
members, and meetings with who attended."""

from __future__ import annotations

import streamlit as st

from community_map import networks
from community_map.i18n import gettext as _
from community_map.models import COORDINATION_KIND_LABELS
from community_map.trust import Permission
from community_map.ui import coordination_forms, map_panels, planner_forms, shell
from community_map.ui.collaboration_forms import translated
from community_map.ui.register_panels import excel_panel, searched

actor = shell.require_permission(Permission.RECORD_COLLABORATIONS)
shell.setup_language()
lists = planner_forms.choices(map_panels.data_version())
services: dict[int, str] = lists["services"]
professionals: dict[int, str] = lists["professionals"]
st.title(_("Coordination spaces"))
st.caption(
    _(
        "Standing spaces where services, professionals, entities and residents coordinate: "
        "motor groups, district tables, case coordination teams. Two services whose members "
        "attended the same meeting are tied in the services network."
    )
)
if flash := st.session_state.pop("coordination_flash", None):
    st.success(shell.plain(flash))


kinds = list(COORDINATION_KIND_LABELS)
with shell.db_session() as session:
    spaces = networks.spaces_frame(session, actor=actor)
shown = spaces.assign(
    kind=spaces["kind"].map(lambda k: _(COORDINATION_KIND_LABELS.get(str(k), str(k))))
)
shown = searched(shown, ["code", "name", "kind", "lead_service", "territory"], key="spaces")
shell.show_table(
    shown[["code", "name", "kind", "lead_service", "territory", "members", "meetings"]],
    {
        "code": _("Code"),
        "name": _("Name"),
        "kind": _("Kind"),
        "lead_service": _("Lead service"),
        "territory": _("Territory"),
        "members": _("Members"),
        "meetings": _("Meetings"),
    },
)

rows = {int(r.id): r for r in spaces.itertuples(index=False)}
new_label = _("New coordination space")
chosen = st.selectbox(
    _("Coordination space"),
    [None, *rows],
    format_func=lambda i: new_label if i is None else f"{rows[i].code} · {rows[i].name}",
    key="space_chosen",
)
space = rows.get(chosen) if chosen is not None else None
suffix = f"{chosen}_{space.version if space is not None else 0}"
with st.form(f"space_form_{suffix}"):
    c1, c2 = st.columns(2)
    code = c1.text_input(
        _("Code"),
        space.code if space else "",
        disabled=space is not None,
        placeholder="TAULA-RAVAL",
        key=f"space_code_{suffix}",
    )
    name = c2.text_input(_("Name"), space.name if space else "", key=f"space_name_{suffix}")
    kind = c1.selectbox(
        _("Kind"),
        kinds,
        index=kinds.index(space.kind) if space else 0,
        format_func=translated(COORDINATION_KIND_LABELS),
        key=f"space_kind_{suffix}",
    )
    lead_ids = [None, *services]
    lead_now = space.lead_service_id if space is not None else None
    lead = c2.selectbox(
        _("Lead service"),
        lead_ids,
        index=lead_ids.index(int(lead_now))
        if lead_now == lead_now and lead_now is not None and int(lead_now) in services
        else 0,
        format_func=lambda s: "—" if s is None else services[s],
        key=f"space_lead_{suffix}",
    )
    save_space = st.form_submit_button(_("Save the coordination space"), type="primary")
if save_space:
    territory = (
        int(space.territory_unit_id)
        if space is not None
        and space.territory_unit_id == space.territory_unit_id
        and space.territory_unit_id is not None
        else None
    )
    if space is None:
        coordination_forms.run(
            lambda s: networks.create_space(
                s, actor=actor, code=code, name=name, kind=kind, lead_service_id=lead
            ),
            _("Coordination space {code} saved.").format(code=code),
        )
    else:
        coordination_forms.run(
            lambda s: networks.update_space(
                s,
                actor=actor,
                space_id=int(space.id),
                version=int(space.version),
                name=name,
                kind=kind,
                lead_service_id=lead,
                territory_unit_id=territory,
            ),
            _("Coordination space {code} saved.").format(code=space.code),
        )

if space is not None:
    coordination_forms.space_details(actor, space, services, professionals)

excel_panel(
    key="coordination_excel",
    file_stem="coordination",
    template=networks.coordination_template,
    export=lambda s: networks.coordination_to_excel(s, actor=actor),
    importer=lambda s, data, name, skip: networks.import_coordination(
        s, data, actor=actor, path=name, skip_bad_rows=skip
    ),
)
