"""Networks from attendance registers: who shares sessions with whom.

The participant x session incidence matrix is projected with sparse linear algebra
(``B @ B.T``) instead of networkx's pure-Python bipartite projection.
"""

from __future__ import annotations

from typing import Literal

import networkx as nx
import numpy as np
import pandas as pd
from scipy import sparse

from community_map.errors import ValidationError
from community_map.i18n import gettext as _

Weighting = Literal["count", "newman"]


def _incidence(attendance: pd.DataFrame) -> tuple[sparse.csr_matrix, pd.Index, pd.Index]:
    missing = {"participant_id", "session_id"} - set(attendance.columns)
    if missing:
        raise ValidationError(
            _("The attendance table lacks the column(s) {cols}; it needs participant_id and "
              "session_id.").format(cols=", ".join(sorted(missing)))
        )
    pairs = attendance[["participant_id", "session_id"]].drop_duplicates()
    p_codes, participants = pd.factorize(pairs["participant_id"], sort=True)
    s_codes, sessions = pd.factorize(pairs["session_id"], sort=True)
    data = np.ones(len(pairs), dtype=np.float64)
    B = sparse.csr_matrix((data, (p_codes, s_codes)), shape=(len(participants), len(sessions)))
    return B, pd.Index(participants), pd.Index(sessions)


def graph_from_attendance(
    attendance: pd.DataFrame,
    *,
    weighting: Weighting = "count",
    min_shared: int = 1,
    max_session_size: int | None = None,
) -> nx.Graph:
    """Build the co-attendance network of participants.

    Two participants are tied when they attended at least ``min_shared`` sessions
    together. The edge attribute ``shared`` is the number of shared sessions and
    ``weight`` is either that count or Newman's collaboration weight, where a session
    with *k* attendees adds 1/(k-1) to each pair, so that a 40-person outing does not
    count as 780 friendships.

    Parameters
    ----------
    attendance
        One row per attendance, with columns ``participant_id`` and ``session_id``
        (rows of people who did not attend must be filtered out first).
    weighting
        ``"count"`` or ``"newman"``.
    min_shared
        Minimum number of shared sessions for a tie.
    max_session_size
        Leave out sessions with more attendees than this.

    Returns
    -------
    networkx.Graph
        Every participant in ``attendance`` is a node, tied or not.

    Examples
    --------
    >>> att = pd.DataFrame({"participant_id": [1, 2, 1, 2, 3], "session_id": [10, 10, 11, 11, 11]})
    >>> G = graph_from_attendance(att)
    >>> G[1][2]["shared"], G[1][3]["shared"]
    (2, 1)
    """
    if weighting not in ("count", "newman"):
        raise ValidationError(
            _("Unknown weighting {w!r}; use 'count' or 'newman'.").format(w=weighting)
        )
    if min_shared < 1:
        raise ValidationError(_("The minimum number of shared sessions must be at least 1."))
    B, participants, _sessions = _incidence(attendance)
    sizes = np.asarray(B.sum(axis=0)).ravel()
    keep = np.ones(B.shape[1], dtype=bool)
    if max_session_size is not None:
        keep &= sizes <= max_session_size
    B = B[:, keep]
    sizes = sizes[keep]
    shared = (B @ B.T).tocoo()
    if weighting == "newman":
        scale = np.zeros_like(sizes)
        multi = sizes > 1
        scale[multi] = 1.0 / (sizes[multi] - 1.0)
        weights = (B @ sparse.diags(scale) @ B.T).tocsr()
    upper = (shared.row < shared.col) & (shared.data >= min_shared)
    rows, cols, counts = shared.row[upper], shared.col[upper], shared.data[upper]
    w = np.asarray(weights[rows, cols]).ravel() if weighting == "newman" and len(rows) else counts
    G = nx.Graph()
    G.add_nodes_from(participants.tolist())
    labels = participants.to_numpy()
    G.add_edges_from(
        (labels[r], labels[c], {"shared": int(n), "weight": float(x)})
        for r, c, n, x in zip(rows, cols, counts, w, strict=True)
    )
    return G
