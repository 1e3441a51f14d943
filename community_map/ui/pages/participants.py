"""Participants page: the register of participants, their enrolments, consent and referents."""

from __future__ import annotations

import streamlit as st

from community_map.activities import participant_register_choices, participants_frame
from community_map.i18n import gettext as _
from community_map.trust import Permission
from community_map.ui import participant_forms, shell

actor = shell.require_permission(Permission.VIEW_PARTICIPANTS)
shell.setup_language()
st.title(_("Participants"))
st.caption(
    _(
        "Participants are pseudonymous codes: never write a full name. A code is generated "
        "when you leave it empty. Enrolments in programmes and community actions, consent "
        "and reference professionals are kept here."
    )
)
if flash := st.session_state.pop("participants_flash", None):
    st.success(shell.plain(flash))

with shell.db_session() as session:
    lists = participant_register_choices(session)
chosen = participant_forms.filters(lists, sees_aliases=actor.can(Permission.VIEW_ALIASES))
with shell.db_session() as session:
    table = participants_frame(session, actor=actor, **chosen)
genders, statuses = participant_forms.gender_labels(), participant_forms.status_labels()
shown = table.assign(
    gender=table["gender"].map(lambda g: genders.get(g, g)),
    status=table["status"].map(statuses),
)
st.caption(shell.plain(_("{n} participants").format(n=len(table))))
shell.show_table(
    shown.drop(
        columns=["id", "neighbourhood_id", "neighbourhood_code", "professional_ids", "version"]
    ),
    {
        "code": _("Code"),
        "alias": _("Alias"),
        "birth_year": _("Year of birth"),
        "age_band": _("Age band"),
        "gender": _("Gender"),
        "neighbourhood": _("Neighbourhood"),
        "consent_date": _("Consent date"),
        "consent_processing": _("Data processing"),
        "consent_survey": _("Network survey"),
        "consent_images": _("Images"),
        "professionals": _("Reference professionals"),
        "programmes": _("Programmes"),
        "actions": _("Community actions"),
        "status": _("Status"),
    },
)
participant_forms.excel(actor)
if actor.can(Permission.EDIT_PARTICIPANTS):
    st.subheader(_("Create or edit a participant"))
    participant_forms.edit_form(actor, lists)
