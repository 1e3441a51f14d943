"""The pages of the web app and who may open them: one table for navigation, Home and tests.

This module does not import Streamlit, so tests and the README check can read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from community_map.i18n import N_
from community_map.trust import Actor, Permission

__all__ = ["LOGIN_PAGE", "PAGES", "PAGES_DIR", "PageSpec", "pages_for"]

PAGES_DIR = Path(__file__).resolve().parent / "pages"


@dataclass(frozen=True)
class PageSpec:
    """One page: its script, title, icon, URL path, the permission it needs and its guide.

    ``permission`` None means every logged-in role may open the page. URL paths differ from
    the script names on purpose: Streamlit treats a ``pages/`` folder beside the entry script
    as old-style pages on a process's first run (and on every AppTest run), and a URL path
    equal to a file name would then run that file directly, without the router.
    """

    script: str
    title: str
    icon: str
    url_path: str
    permission: Permission | None
    guide: str

    @property
    def path(self) -> Path:
        """Absolute path of the page script (so any entry script can route to it)."""
        return PAGES_DIR / self.script


LOGIN_PAGE = PageSpec("login.py", N_("Log in"), ":material/login:", "sign-in", None, "")

PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        "home.py",
        N_("Home"),
        ":material/home:",
        "overview",
        None,
        N_("Headline figures for the whole territory and for each district."),
    ),
    PageSpec(
        "map.py",
        N_("Map"),
        ":material/map:",
        "territory",
        None,
        N_(
            "The assets of the territory by category, with filters, neighbourhood "
            "indicators and social services centres' catchment areas; add, edit "
            "and export assets."
        ),
    ),
    PageSpec(
        "coverage.py",
        N_("Coverage"),
        ":material/radar:",
        "gaps",
        None,
        N_("Which neighbourhoods lack an asset of a kind within walking distance."),
    ),
    PageSpec(
        "calendar.py",
        N_("Calendar"),
        ":material/calendar_month:",
        "programme",
        None,
        N_(
            "The programme of sessions by week, month or list; export to Excel and "
            "calendar programs."
        ),
    ),
    PageSpec(
        "actions.py",
        N_("Community actions"),
        ":material/diversity_3:",
        "community-actions",
        Permission.PLAN_ACTIVITIES,
        N_("Create community actions and follow their phases."),
    ),
    PageSpec(
        "programmes.py",
        N_("Programmes"),
        ":material/flag:",
        "programmes-register",
        Permission.PLAN_ACTIVITIES,
        N_(
            "Programmes with their period, lead service and measurement points, the waves "
            "the Networks page offers."
        ),
    ),
    PageSpec(
        "services.py",
        N_("Services and professionals"),
        ":material/apartment:",
        "services-register",
        Permission.EDIT_SERVICES,
        N_(
            "Centres, services and entities (field of work and legal nature) and their "
            "professionals; create services from the centres imported onto the map."
        ),
    ),
    PageSpec(
        "participants.py",
        N_("Participants"),
        ":material/badge:",
        "people",
        Permission.VIEW_PARTICIPANTS,
        N_(
            "The participants' register: pseudonymous codes, consent, reference professionals "
            "and enrolments in programmes and community actions."
        ),
    ),
    PageSpec(
        "assessments.py",
        N_("Assessments"),
        ":material/assignment:",
        "assessments-register",
        Permission.RECORD_ASSESSMENTS,
        N_(
            "Record participants' assessments (SSM-Cat) at reception, follow-up and closure: "
            "a level or 'not assessed' per domain."
        ),
    ),
    PageSpec(
        "planner.py",
        N_("Planner"),
        ":material/edit_calendar:",
        "plan",
        Permission.PLAN_ACTIVITIES,
        N_("Plan sessions and series with conflict checks."),
    ),
    PageSpec(
        "attendance.py",
        N_("Attendance"),
        ":material/how_to_reg:",
        "register",
        Permission.TAKE_ATTENDANCE,
        N_("Take attendance and follow each series."),
    ),
    PageSpec(
        "surveys.py",
        N_("Tie surveys"),
        ":material/forum:",
        "tie-surveys",
        Permission.RECORD_ASSESSMENTS,
        N_(
            "Record, on a phone or from Excel, who answered each measurement point's tie "
            "survey and whom they named."
        ),
    ),
    PageSpec(
        "itinerary.py",
        N_("Itinerary"),
        ":material/route:",
        "participant",
        Permission.VIEW_PARTICIPANTS,
        N_("A participant's sessions across the whole catalogue."),
    ),
    PageSpec(
        "collaborations.py",
        N_("Collaborations"),
        ":material/handshake:",
        "collaboration",
        Permission.RECORD_COLLABORATIONS,
        N_(
            "Collaborations between services with their kind and intensity, and referrals "
            "with their outcome; Excel template, export and import."
        ),
    ),
    PageSpec(
        "coordination.py",
        N_("Coordination spaces"),
        ":material/groups_3:",
        "coordination-spaces",
        Permission.RECORD_COLLABORATIONS,
        N_(
            "Motor groups, district tables and case coordination teams: members, and meetings "
            "with who attended."
        ),
    ),
    PageSpec(
        "networks.py",
        N_("Networks"),
        ":material/hub:",
        "social-networks",
        Permission.VIEW_NETWORKS,
        N_(
            "Participants' ties and collaboration between services, window by window, "
            "with exports for Gephi."
        ),
    ),
    PageSpec(
        "data.py",
        N_("Data"),
        ":material/upload_file:",
        "imports",
        Permission.IMPORT_DATA,
        N_("Import boundaries and assets from the files you have, including Open Data BCN's."),
    ),
    PageSpec(
        "rights.py",
        N_("Participants' rights"),
        ":material/shield_person:",
        "participant-rights",
        Permission.MANAGE_PARTICIPANT_RIGHTS,
        N_(
            "Download everything held about one participant, or erase it while keeping "
            "anonymous counts."
        ),
    ),
    PageSpec(
        "users.py",
        N_("Users"),
        ":material/group:",
        "accounts",
        Permission.MANAGE_USERS,
        N_("Create accounts, assign roles and deactivate accounts."),
    ),
    PageSpec(
        "audit.py",
        N_("Audit log"),
        ":material/history:",
        "audit-log",
        Permission.VIEW_AUDIT,
        N_("Who changed what, and when."),
    ),
)


def pages_for(actor: Actor | None) -> list[PageSpec]:
    """Return the pages ``actor`` may open, in navigation order (the login page if None).

    Examples
    --------
    >>> from community_map.models import Role
    >>> viewer = Actor(username="v", role=Role.DISTRICT_VIEWER)
    >>> [page.script for page in pages_for(viewer)]
    ['home.py', 'map.py', 'coverage.py', 'calendar.py']
    >>> [page.script for page in pages_for(None)]
    ['login.py']
    """
    if actor is None:
        return [LOGIN_PAGE]
    return [p for p in PAGES if p.permission is None or actor.can(p.permission)]
