from .appraisal import Appeal, Appraisal, Cycle, Decision, Discussion, Indicator, PlanItem
from .calibration import CurveOverride, UnitPredicate
from .content import (
    BehaviourExpectation,
    BehaviourValue,
    CheckIn,
    CheckInEntry,
    Evidence,
    PeerFeedback,
    PlanAnnex,
    SurveyResult,
)
from .jobs import BulkJob
from .organisation import (
    ActingAssignment,
    AgencyDay,
    Employee,
    Position,
    RoleAssignment,
    SupervisorRelation,
    Unit,
)
from .tokens import ApiToken

__all__ = [
    "ActingAssignment",
    "AgencyDay",
    "ApiToken",
    "Appeal",
    "Appraisal",
    "BehaviourExpectation",
    "BehaviourValue",
    "CheckIn",
    "CheckInEntry",
    "Evidence",
    "PeerFeedback",
    "PlanAnnex",
    "SurveyResult",
    "BulkJob",
    "CurveOverride",
    "Cycle",
    "Decision",
    "Discussion",
    "Employee",
    "Indicator",
    "PlanItem",
    "Position",
    "RoleAssignment",
    "SupervisorRelation",
    "Unit",
    "UnitPredicate",
]
