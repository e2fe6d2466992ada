"""Events the engine sends after the database transaction commits.

Receivers (notifications) get ids only and load what they need; a rolled
back transition sends nothing.
"""

from django.dispatch import Signal

# kwargs: workflow (name), transition (name; or the action of a change the table
# announces, `Workflow.announced_changes`), subject_type, subject_id,
# audit_event_id, actor_id, from_state, to_state
transition_committed = Signal()

# Sent INSIDE the transition's transaction, after the audit event, with the
# same kwargs plus `obj`. Receivers may only add rows that must commit or roll
# back with the change (a transactional outbox); they never send anything.
transition_applied = Signal()

# Sent when the engine refuses a transition (after its transaction rolled back), for
# monitoring: kwargs workflow (name), transition (name), code (the refusal's kind, e.g.
# "forbidden", "state_conflict", "conditions_unmet").
transition_refused = Signal()
