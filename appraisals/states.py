"""The appraisal's states: all the model needs to know of its lifecycle.

The model takes its state field's choices and default from here; the table
(`lifecycle.py`) takes its states from here too and is bound to the model at
start-up, so the model never imports the table (which imports effects,
payloads, policies and services, which import the model).
"""

from __future__ import annotations

from workflow.definition import State
from workflow.text import Text as T

STATES = (
    State("draft", T("Penyusunan SKP", "Plan being drafted"), responsible="employee"),
    State("plan_submitted", T("SKP diajukan", "Plan submitted"), responsible="appraiser"),
    State("in_progress", T("Pelaksanaan kinerja", "In progress"), responsible="employee"),
    State(
        "self_assessed",
        T("Penilaian mandiri diajukan", "Self-assessment submitted"),
        responsible="appraiser",
    ),
    State("reviewed", T("Sudah dinilai", "Reviewed"), responsible="appraiser"),
    State(
        "discussed", T("Dialog kinerja tercatat", "Discussion recorded"), responsible="appraiser"
    ),
    State(
        "result_issued", T("Hasil penilaian ditetapkan", "Result issued"), responsible="employee"
    ),
    State("appealed", T("Keberatan diajukan", "Appeal filed"), responsible="appeal_reviewer"),
    State("final", T("Hasil final", "Final"), responsible="panel"),
    State(
        "decision_proposed",
        T("Tindak lanjut diusulkan", "Follow-up proposed"),
        responsible="authority",
    ),
    # Not final since issue #18: the panel may propose a further follow-up of another
    # kind (the appraisal is then `decision_proposed` again). HR still cannot cancel it
    # (the contract: `cancel` from any state but `decided`/`cancelled`). Nobody must move it
    # on, so it waits for no one (no deadline, no task on anyone's home page).
    State("decided", T("Tindak lanjut diputuskan", "Follow-up decided")),
    State("cancelled", T("Dibatalkan", "Cancelled"), final=True),
)
STATE_CHOICES = [(s.name, s.label.id) for s in STATES]
INITIAL = "draft"
