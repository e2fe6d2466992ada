"""Reads, scoped by the user in one place each; a module per area, as services.

The names below were importable from `appraisals.selectors` before it became
a package, and stay so.
"""

from .appraisals import (
    APPRAISAL_NOT_FOUND,
    APPRAISAL_RELATED,
    appraisal_get_for,
    appraisal_get_visible,
    appraisal_list_visible,
    appraisal_lock_visible,
)
from .cycles import cycle_list_managed
from .jobs import JOB_NOT_FOUND, bulk_job_get_visible
from .organisation import (
    EMPLOYEE_NOT_FOUND,
    UNIT_NOT_FOUND,
    employee_get_for,
    hr_admin_anywhere_check,
    unit_get_for,
)

__all__ = [
    "APPRAISAL_NOT_FOUND",
    "APPRAISAL_RELATED",
    "EMPLOYEE_NOT_FOUND",
    "JOB_NOT_FOUND",
    "UNIT_NOT_FOUND",
    "appraisal_get_for",
    "appraisal_get_visible",
    "appraisal_list_visible",
    "appraisal_lock_visible",
    "bulk_job_get_visible",
    "cycle_list_managed",
    "employee_get_for",
    "hr_admin_anywhere_check",
    "unit_get_for",
]
