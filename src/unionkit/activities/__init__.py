"""Activities: kinds, organisers, eligibility by rule, registration states, contests."""

from __future__ import annotations

from unionkit.activities._kinds import OrganiserKind, ParticipationBasis, RegistrationStatus
from unionkit.activities.contest import (
    Placing,
    ProposedGrant,
    RankingMethod,
    final_score,
    propose_awards,
    rank,
)
from unionkit.activities.eligibility import SUMMER_CHILDCARE, Eligibility

__all__ = [
    "SUMMER_CHILDCARE",
    "Eligibility",
    "OrganiserKind",
    "ParticipationBasis",
    "Placing",
    "ProposedGrant",
    "RankingMethod",
    "RegistrationStatus",
    "final_score",
    "propose_awards",
    "rank",
]
