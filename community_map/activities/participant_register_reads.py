"""Reads of the participant register: the list with filters, one person's enrolments.

Personal data: every read takes the ``actor`` and requires ``VIEW_PARTICIPANTS``; the
alias column is there only for roles that may see aliases.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from community_map.errors import NotFoundError
from community_map.i18n import gettext as _
from community_map.models import (
    CommunityAction,
    Enrolment,
    Participant,
    ParticipantProfessional,
    Professional,
    Programme,
    TerritoryUnit,
    UnitKind,
)
from community_map.trust.permissions import Actor, Permission, require

__all__ = [
    "ENROLMENT_FRAME_COLUMNS",
    "PARTICIPANT_FRAME_COLUMNS",
    "ParticipantStatus",
    "enrolments_frame",
    "participant_by_code",
    "participant_register_choices",
    "participants_frame",
]

#: "active": an enrolment is open today; "exited": enrolled once, every enrolment closed;
#: "not_enrolled": no enrolment.
ParticipantStatus = Literal["active", "exited", "not_enrolled"]

#: The columns of :func:`participants_frame`, in order (``alias`` only with VIEW_ALIASES).
PARTICIPANT_FRAME_COLUMNS = [
    "id",
    "code",
    "alias",
    "birth_year",
    "age_band",
    "gender",
    "neighbourhood_id",
    "neighbourhood_code",
    "neighbourhood",
    "consent_date",
    "consent_processing",
    "consent_survey",
    "consent_images",
    "professional_ids",
    "professionals",
    "programmes",
    "actions",
    "status",
    "version",
]

#: The columns of :func:`enrolments_frame`, in order.
ENROLMENT_FRAME_COLUMNS = [
    "participant_id",
    "participant",
    "programme_id",
    "programme",
    "action_id",
    "action",
    "starts_on",
    "ends_on",
    "exit_reason",
    "evaluation_group",
]


def enrolments_frame(
    session: Session, *, actor: Actor, participant_id: int | None = None
) -> pd.DataFrame:
    """Enrolments (all, or one participant's) with programme and action codes, by start.

    Examples
    --------
    >>> enrolments_frame(session, actor=actor, participant_id=1)  # doctest: +SKIP
    """
    require(actor, Permission.VIEW_PARTICIPANTS)
    query = (
        select(
            Enrolment.participant_id,
            Participant.code,
            Enrolment.programme_id,
            Programme.code,
            Enrolment.action_id,
            CommunityAction.code,
            Enrolment.starts_on,
            Enrolment.ends_on,
            Enrolment.exit_reason,
            Enrolment.evaluation_group,
        )
        .join(Participant, Participant.id == Enrolment.participant_id)
        .outerjoin(Programme, Programme.id == Enrolment.programme_id)
        .outerjoin(CommunityAction, CommunityAction.id == Enrolment.action_id)
        .order_by(Participant.code, Enrolment.starts_on, Programme.code, CommunityAction.code)
    )
    if participant_id is not None:
        query = query.where(Enrolment.participant_id == participant_id)
    return pd.DataFrame(session.execute(query).all(), columns=ENROLMENT_FRAME_COLUMNS)


def participants_frame(
    session: Session,
    *,
    actor: Actor,
    programme_id: int | None = None,
    action_id: int | None = None,
    neighbourhood_id: int | None = None,
    status: ParticipantStatus | str | None = None,
    search: str = "",
    today: dt.date | None = None,
) -> pd.DataFrame:
    """The participants, by code, filtered; ``alias`` only for roles that may see aliases.

    ``programme_id`` / ``action_id`` keep those with an enrolment there; ``status`` keeps
    the active ones (an enrolment open on ``today``), the exited ones or those never
    enrolled; ``search`` keeps codes (and aliases, for roles that see them) containing
    every word typed.

    Examples
    --------
    >>> participants_frame(session, actor=actor, status="active").loc[0, "code"]  # doctest: +SKIP
    'AM-2D7QK'
    """
    require(actor, Permission.VIEW_PARTICIPANTS)
    day = today or dt.date.today()
    hood = aliased(TerritoryUnit)
    query = (
        select(
            Participant.id,
            Participant.code,
            Participant.alias,
            Participant.birth_year,
            Participant.age_band,
            Participant.gender,
            Participant.neighbourhood_id,
            hood.code,
            hood.name,
            Participant.consent_date,
            Participant.consent_processing,
            Participant.consent_survey,
            Participant.consent_images,
            Participant.version,
        )
        .outerjoin(hood, hood.id == Participant.neighbourhood_id)
        .order_by(Participant.code)
    )
    if neighbourhood_id is not None:
        query = query.where(Participant.neighbourhood_id == neighbourhood_id)
    for column, wanted in (
        (Enrolment.programme_id, programme_id),
        (Enrolment.action_id, action_id),
    ):
        if wanted is not None:
            query = query.where(
                Participant.id.in_(select(Enrolment.participant_id).where(column == wanted))
            )
    people = session.execute(query).all()
    enrolments = enrolments_frame(session, actor=actor)
    links = session.execute(
        select(ParticipantProfessional.participant_id, Professional.id, Professional.code)
        .join(Professional, Professional.id == ParticipantProfessional.professional_id)
        .order_by(Professional.code)
    ).all()
    professionals: dict[int, list[tuple[int, str]]] = {}
    for pid, prof_id, prof_code in links:
        professionals.setdefault(pid, []).append((prof_id, prof_code))
    by_person = (
        {int(k): g for k, g in enrolments.groupby("participant_id")} if len(enrolments) else {}
    )
    rows = []
    for person in people:
        mine = by_person.get(int(person.id))
        if mine is None:
            state: ParticipantStatus = "not_enrolled"
            programmes = actions = ""
        else:
            open_now = mine["ends_on"].isna() | (
                mine["ends_on"].map(lambda d: d is not None and d >= day)
            )
            state = "active" if bool(open_now.any()) else "exited"
            programmes = ", ".join(dict.fromkeys(mine["programme"].dropna()))
            actions = ", ".join(dict.fromkeys(mine["action"].dropna()))
        refs = professionals.get(int(person.id), [])
        rows.append(
            (
                person.id,
                person.code,
                person.alias or "",
                person.birth_year,
                person.age_band,
                person.gender,
                person.neighbourhood_id,
                person[7] or "",
                person[8] or "",
                person.consent_date,
                bool(person.consent_processing),
                bool(person.consent_survey),
                bool(person.consent_images),
                [r[0] for r in refs],
                ", ".join(r[1] for r in refs),
                programmes,
                actions,
                state,
                person.version,
            )
        )
    frame = pd.DataFrame(rows, columns=PARTICIPANT_FRAME_COLUMNS)
    frame["birth_year"] = frame["birth_year"].astype("Int64")
    if status is not None:
        frame = frame[frame["status"] == status]
    sees_aliases = actor.can(Permission.VIEW_ALIASES)
    words = search.casefold().split()
    if words:
        haystack = frame["code"].str.casefold()
        if sees_aliases:
            haystack = haystack + " " + frame["alias"].str.casefold()
        for word in words:
            frame = frame[haystack.loc[frame.index].str.contains(word, regex=False)]
    if not sees_aliases:
        frame = frame.drop(columns=["alias"])
    return frame.reset_index(drop=True)


def participant_by_code(session: Session, code: str) -> Participant:
    """The participant with ``code`` (case and spaces ignored), or :class:`NotFoundError`."""
    wanted = code.strip().upper()
    person = session.scalar(select(Participant).where(Participant.code == wanted))
    if person is None:
        raise NotFoundError(
            _(
                "There is no participant with code {code}: add them on the Participants page "
                "or with 'community-map import participants'."
            ).format(code=wanted)
        )
    return person


def participant_register_choices(session: Session) -> dict[str, dict[int, str]]:
    """Labels by id of what the register's form offers (no personal data): ``neighbourhoods``,
    ``programmes``, ``actions`` (their codes) and ``professionals`` (code · name).

    Examples
    --------
    >>> participant_register_choices(session)["programmes"]  # doctest: +SKIP
    {1: 'AMUNT-2022'}
    """
    hoods = session.execute(
        select(TerritoryUnit.id, TerritoryUnit.code, TerritoryUnit.name)
        .where(TerritoryUnit.kind == UnitKind.NEIGHBOURHOOD.value)
        .order_by(TerritoryUnit.code)
    ).all()
    staff = session.execute(
        select(Professional.id, Professional.code, Professional.display_name).order_by(
            Professional.code
        )
    ).all()
    return {
        "neighbourhoods": {int(i): f"{code} · {name}" for i, code, name in hoods},
        "neighbourhood_codes": {int(i): str(code) for i, code, _name in hoods},
        "programmes": dict(
            session.execute(select(Programme.id, Programme.code).order_by(Programme.code)).all()
        ),
        "actions": dict(
            session.execute(
                select(CommunityAction.id, CommunityAction.code).order_by(CommunityAction.code)
            ).all()
        ),
        "professionals": {
            int(i): f"{code} · {name}" if name else str(code) for i, code, name in staff
        },
    }
