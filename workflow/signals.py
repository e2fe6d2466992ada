"""Events the engine sends after the database transaction commits.

Receivers (notifications) get ids only and load what they need; a rolled
back transition sends nothing.
"""

from django.dispatch import Signal

# kwargs: workflow (name), transition (name), subject_type, subject_id,
# audit_event_id, actor_id, from_state, to_state
transition_committed = Signal()
