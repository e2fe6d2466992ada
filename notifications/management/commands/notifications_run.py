"""`manage.py notifications_run`: one round of the background work, from the shell.

What beat runs on its schedule: relay the outbox, poll the deadlines and,
with --digest, send today's supervisor digests. Useful where no beat runs
(the embedded demo) and in an operator's hands.
"""

from django.core.management.base import BaseCommand

from notifications.deadlines import deadlines_poll
from notifications.digest import digest_send
from notifications.relay import outbox_relay


class Command(BaseCommand):
    help = "Relay the outbox, poll deadlines and optionally send the supervisor digest once."

    def add_arguments(self, parser):
        parser.add_argument("--digest", action="store_true", help="also send today's digests")
        parser.add_argument("--no-deadlines", action="store_true", help="only relay")

    def handle(self, *args, **options):
        if not options["no_deadlines"]:
            self.stdout.write(f"deadlines: {deadlines_poll()}")
        if options["digest"]:
            self.stdout.write(f"digests: {digest_send()}")
        result = outbox_relay()
        self.stdout.write(
            f"relay: {result.events} events, {result.messages} messages, "
            f"{result.published} published"
        )
