from .deadlines import Deadline, PhaseDeadline
from .inbox import InboxItem, Preference
from .outbox import DeadLetter, Message, OutboxEvent

__all__ = [
    "DeadLetter",
    "Deadline",
    "InboxItem",
    "Message",
    "OutboxEvent",
    "PhaseDeadline",
    "Preference",
]
