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
from .documents import IssuedDocument
from .jobs import BulkJob
from .organisation import (
    ActingAssignment,
    Employee,
    Position,
    RoleAssignment,
    SupervisorRelation,
    Unit,
)
from .tokens import ApiToken

__all__ = [
    "ActingAssignment",
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
    "IssuedDocument",
    "PlanItem",
    "Position",
    "RoleAssignment",
    "SupervisorRelation",
    "Unit",
    "UnitPredicate",
]
