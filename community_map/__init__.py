"""community_map: territory assets, community actions and social networks over time.

Domain folders, each with reads and audited writes kept apart, in the order they may
import each other: :mod:`~community_map.trust` (roles, accounts, audit log, disclosure),
:mod:`~community_map.territory` (boundaries, assets, maps, coverage),
:mod:`~community_map.activities` (actions, sessions, attendance, programme files),
:mod:`~community_map.networks` (windows, building, metrics, drawing, exports) and
:mod:`~community_map.evaluation` (instruments, headline figures). Faces for callers:
:mod:`community_map.assets`, :mod:`community_map.activities`, :mod:`community_map.network`.
Plumbing: :mod:`~community_map.storage`, :mod:`~community_map.settings`,
:mod:`~community_map.errors`, :mod:`~community_map.i18n`. The web app lives in
:mod:`community_map.ui`, the only folder that imports Streamlit; the command line in
:mod:`community_map.cli`.
"""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
