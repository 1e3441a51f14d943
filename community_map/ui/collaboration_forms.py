"""Forms of the Collaborations page: the collaborations tab and the referrals tab."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from community_map import networks
from community_map.errors import CommunityMapError
from community_map.i18n import gettext as _
from community_map.models import (
    COLLABORATION_KIND_LABELS,
    INTENSITY_DESCRIPTIONS,
    INTENSITY_LABELS,
    REFERRAL_OUTCOME_LABELS,
)
from community_map.trust import Actor, Permission
from community_map.ui import shell
from community_map.ui.register_panels import excel_panel, searched

__all__ = ["collaborations_tab", "referrals_tab", "translated"]


def translated(labels: Mapping[Any, str], none: str | None = None) -> Callable[[Any], str]:
    """A ``format_func`` showing ``labels`` translated now (AppTest formats values later,
    outside the page's language); ``none`` is shown for ``None``."""
    shown = {key: _(label) for key, label in labels.items()}
    return lambda key: (none or "") if key is None else shown.get(key, str(key))


def _filters(key: str, kinds: dict[str, str], services: dict[int, str]) -> dict[str, Any]:
    c1, c2, c3, c4 = st.columns(4)
    service = c1.selectbox(
        _("Service"),
        [None, *services],
        format_func=lambda s: "—" if s is None else services[s],
        key=f"{key}_service",
    )
    start = c2.date_input(_("From"), None, key=f"{key}_from", format="DD/MM/YYYY")
    end = c3.date_input(_("To"), None, key=f"{key}_to", format="DD/MM/YYYY")
    kind = c4.selectbox(
        shell.plain(_("Kind") if key == "col" else _("Outcome")),
        [None, *kinds],
        format_func=translated(kinds, none="—"),
        key=f"{key}_kind",
    )
    return {"service_id": service, "start": start, "end": end, "chosen": kind}


def _saved(message: str) -> None:
    st.session_state["collaborations_flash"] = message
    st.cache_data.clear()
    st.rerun()


def _option(options: dict[int, str], value: Any) -> int:
    ids = [None, *options]
    return (
        ids.index(int(value))
        if value is not None and value == value and int(value) in options
        else 0
    )


def collaborations_tab(actor: Actor, lists: Mapping[str, dict[int, Any]]) -> None:
    """List, filters, add/edit/delete form and Excel panel of the collaborations."""
    services: dict[int, str] = lists["services"]
    professionals: dict[int, str] = lists["professionals"]
    chosen = _filters("col", COLLABORATION_KIND_LABELS, services)
    with shell.db_session() as session:
        table = networks.collaborations_frame(
            session,
            actor=actor,
            service_id=chosen["service_id"],
            start=chosen["start"],
            end=chosen["end"],
            kind=chosen["chosen"],
        )
    shown = table.assign(
        kind=table["kind"].map(lambda k: _(COLLABORATION_KIND_LABELS.get(str(k), str(k)))),
        intensity=table["intensity"].map(lambda i: _(INTENSITY_LABELS.get(int(i), str(i)))),
    )
    shown = searched(shown, ["from_service", "to_service", "kind", "note"], key="col")
    shell.show_table(
        shown[
            [
                "id",
                "occurred_on",
                "from_service",
                "to_service",
                "from_professional",
                "to_professional",
                "kind",
                "intensity",
                "note",
            ]
        ],
        {
            "id": _("Number"),
            "occurred_on": _("Date"),
            "from_service": _("Service"),
            "to_service": _("Other service"),
            "from_professional": _("Professional"),
            "to_professional": _("Other professional"),
            "kind": _("Kind"),
            "intensity": _("Intensity"),
            "note": _("Note"),
        },
    )
    with st.expander(_("The four levels of intensity")):
        for level, label in INTENSITY_LABELS.items():
            st.text(f"{_(label)}: {_(INTENSITY_DESCRIPTIONS[level])}")
    rows = {int(r.id): r for r in table.itertuples(index=False)}
    new_label = _("New collaboration")
    pick = st.selectbox(
        _("Collaboration to edit"),
        [None, *rows],
        format_func=lambda i: (
            new_label
            if i is None
            else f"{i} · {rows[i].occurred_on:%d/%m/%Y} · "
            f"{rows[i].from_service} – {rows[i].to_service}"
        ),
        key="col_chosen",
    )
    row = rows.get(pick) if pick is not None else None
    suffix = f"{pick}_{row.version if row is not None else 0}"
    with st.form(f"col_form_{suffix}"):
        c1, c2 = st.columns(2)
        opts = [None, *services]
        a = c1.selectbox(
            _("Service"),
            opts,
            index=_option(services, row.from_service_id if row else None),
            format_func=lambda s: "—" if s is None else services[s],
            key=f"col_a_{suffix}",
        )
        b = c2.selectbox(
            _("Other service"),
            opts,
            index=_option(services, row.to_service_id if row else None),
            format_func=lambda s: "—" if s is None else services[s],
            key=f"col_b_{suffix}",
        )
        popts = [None, *professionals]
        pa = c1.selectbox(
            _("Professional"),
            popts,
            index=_option(professionals, row.from_professional_id if row else None),
            format_func=lambda s: "—" if s is None else professionals[s],
            key=f"col_pa_{suffix}",
        )
        pb = c2.selectbox(
            _("Other professional"),
            popts,
            index=_option(professionals, row.to_professional_id if row else None),
            format_func=lambda s: "—" if s is None else professionals[s],
            key=f"col_pb_{suffix}",
        )
        day = c1.date_input(
            _("Date"),
            row.occurred_on if row else dt.date.today(),
            format="DD/MM/YYYY",
            key=f"col_day_{suffix}",
        )
        kinds = list(COLLABORATION_KIND_LABELS)
        kind = c2.selectbox(
            _("Kind"),
            kinds,
            index=kinds.index(row.kind) if row and row.kind in kinds else 0,
            format_func=translated(COLLABORATION_KIND_LABELS),
            key=f"col_kind_{suffix}",
        )
        levels = list(INTENSITY_LABELS)
        intensity = st.radio(
            _("Intensity"),
            levels,
            index=levels.index(int(row.intensity)) if row else 0,
            format_func=translated(INTENSITY_LABELS),
            horizontal=True,
            key=f"col_int_{suffix}",
        )
        note = st.text_area(_("Note"), row.note if row else "", key=f"col_note_{suffix}")
        save = st.form_submit_button(_("Save the collaboration"), type="primary")
    if row is not None and st.button(_("Delete this collaboration"), key=f"col_del_{suffix}"):
        try:
            with shell.db_session() as session:
                networks.delete_collaboration(
                    session, actor=actor, collaboration_id=int(row.id), version=int(row.version)
                )
        except CommunityMapError as exc:
            shell.report_error(exc)
        else:
            _saved(_("Collaboration {n} deleted.").format(n=row.id))
    if save:
        fields = dict(
            from_service_id=a,
            to_service_id=b,
            from_professional_id=pa,
            to_professional_id=pb,
            occurred_on=day,
            kind=kind,
            intensity=int(intensity),
            note=note,
        )
        try:
            with shell.db_session() as session:
                if row is None:
                    saved = networks.create_collaboration(session, actor=actor, **fields)  # type: ignore[arg-type]
                else:
                    saved = networks.update_collaboration(
                        session,
                        actor=actor,
                        collaboration_id=int(row.id),
                        version=int(row.version),
                        **fields,  # type: ignore[arg-type]
                    )
                number = saved.id
        except CommunityMapError as exc:
            shell.report_error(exc)
        else:
            _saved(_("Collaboration {n} saved.").format(n=number))
    excel_panel(
        key="collaborations_excel",
        file_stem="collaborations",
        template=networks.collaborations_template,
        export=lambda s: networks.collaborations_to_excel(s, actor=actor),
        importer=lambda s, data, name, skip: networks.import_collaborations(
            s, data, actor=actor, path=name, skip_bad_rows=skip
        ),
    )


def referrals_tab(actor: Actor, lists: Mapping[str, dict[int, Any]]) -> None:
    """List, filters, add/edit/delete form and Excel panel of the referrals."""
    services: dict[int, str] = lists["services"]
    people: dict[int, str] = lists.get("participants", {})
    chosen = _filters("ref", REFERRAL_OUTCOME_LABELS, services)
    with shell.db_session() as session:
        table = networks.referrals_frame(
            session,
            actor=actor,
            service_id=chosen["service_id"],
            start=chosen["start"],
            end=chosen["end"],
            outcome=chosen["chosen"],
        )
    shown = table.assign(
        outcome=table["outcome"].map(lambda o: _(REFERRAL_OUTCOME_LABELS.get(str(o), str(o))))
    )
    shown = searched(shown, ["from_service", "to_service", "participant", "note"], key="ref")
    shell.show_table(
        shown[
            [
                "id",
                "referred_on",
                "from_service",
                "to_service",
                "participant",
                "outcome",
                "outcome_on",
                "note",
            ]
        ],
        {
            "id": _("Number"),
            "referred_on": _("Referred on"),
            "from_service": _("From service"),
            "to_service": _("To service"),
            "participant": _("Participant code"),
            "outcome": _("Outcome"),
            "outcome_on": _("Outcome on"),
            "note": _("Note"),
        },
    )
    rows = {int(r.id): r for r in table.itertuples(index=False)}
    new_label = _("New referral")
    pick = st.selectbox(
        _("Referral to edit"),
        [None, *rows],
        format_func=lambda i: (
            new_label
            if i is None
            else f"{i} · {rows[i].referred_on:%d/%m/%Y} · "
            f"{rows[i].from_service} → {rows[i].to_service}"
        ),
        key="ref_chosen",
    )
    ref = rows.get(pick) if pick is not None else None
    suffix = f"{pick}_{ref.version if ref is not None else 0}"
    with st.form(f"ref_form_{suffix}"):
        c1, c2 = st.columns(2)
        opts = [None, *services]
        a = c1.selectbox(
            _("From service"),
            opts,
            index=_option(services, ref.from_service_id if ref else None),
            format_func=lambda s: "—" if s is None else services[s],
            key=f"ref_a_{suffix}",
        )
        b = c2.selectbox(
            _("To service"),
            opts,
            index=_option(services, ref.to_service_id if ref else None),
            format_func=lambda s: "—" if s is None else services[s],
            key=f"ref_b_{suffix}",
        )
        day = c1.date_input(
            _("Referred on"),
            ref.referred_on if ref else dt.date.today(),
            format="DD/MM/YYYY",
            key=f"ref_day_{suffix}",
        )
        who = None
        if actor.can(Permission.VIEW_PARTICIPANTS):
            who = c2.selectbox(
                _("Participant code"),
                [None, *people],
                index=_option(people, ref.participant_id if ref else None),
                format_func=lambda p: "—" if p is None else people[p],
                key=f"ref_p_{suffix}",
            )
        outcomes = list(REFERRAL_OUTCOME_LABELS)
        outcome = c1.selectbox(
            _("Outcome"),
            outcomes,
            index=outcomes.index(ref.outcome) if ref else 0,
            format_func=translated(REFERRAL_OUTCOME_LABELS),
            key=f"ref_o_{suffix}",
        )
        outcome_on = c2.date_input(
            _("Outcome on"),
            ref.outcome_on if ref and ref.outcome_on == ref.outcome_on else None,
            format="DD/MM/YYYY",
            key=f"ref_od_{suffix}",
        )
        note = st.text_area(_("Note"), ref.note if ref else "", key=f"ref_note_{suffix}")
        save = st.form_submit_button(_("Save the referral"), type="primary")
    if ref is not None and st.button(_("Delete this referral"), key=f"ref_del_{suffix}"):
        try:
            with shell.db_session() as session:
                networks.delete_referral(
                    session, actor=actor, referral_id=int(ref.id), version=int(ref.version)
                )
        except CommunityMapError as exc:
            shell.report_error(exc)
        else:
            _saved(_("Referral {n} deleted.").format(n=ref.id))
    if save:
        given = dict(
            from_service_id=a,
            to_service_id=b,
            referred_on=day,
            participant_id=who,
            outcome=outcome,
            outcome_on=outcome_on,
            note=note,
        )
        try:
            with shell.db_session() as session:
                if ref is None:
                    done = networks.create_referral(session, actor=actor, **given)  # type: ignore[arg-type]
                else:
                    done = networks.update_referral(
                        session,
                        actor=actor,
                        referral_id=int(ref.id),
                        version=int(ref.version),
                        **given,  # type: ignore[arg-type]
                    )
                number = done.id
        except CommunityMapError as exc:
            shell.report_error(exc)
        else:
            _saved(_("Referral {n} saved.").format(n=number))
    excel_panel(
        key="referrals_excel",
        file_stem="referrals",
        template=networks.referrals_template,
        export=lambda s: networks.referrals_to_excel(s, actor=actor),
        importer=lambda s, data, name, skip: networks.import_referrals(
            s, data, actor=actor, path=name, skip_bad_rows=skip
        ),
    )
