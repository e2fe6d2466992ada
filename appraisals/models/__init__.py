from .appraisal import (
    Appeal,
    Appraisal,
    AppraiserHandover,
    Cycle,
    Decision,
    Discussion,
    Indicator,
    PlanItem,
)
from .calibration import CurveFlag, CurveOverride, UnitPredicate
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
    AgencyDay,
    Employee,
    Position,
    RoleAssignment,
    SupervisorRelation,
    Unit,
)
from .periodic import PeriodicEvaluation
from .tokens import ApiToken

__all__ = [
    "ActingAssignment",
    "AgencyDay",
    "ApiToken",
    "Appeal",
    "Appraisal",
    "AppraiserHandover",
    "BehaviourExpectation",
    "BehaviourValue",
    "CheckIn",
    "CheckInEntry",
    "Evidence",
    "PeerFeedback",
    "PeriodicEvaluation",
    "PlanAnnex",
    "SurveyResult",
    "BulkJob",
    "CurveFlag",
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
