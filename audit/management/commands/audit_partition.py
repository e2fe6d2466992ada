"""Partition the audit event table by time (PostgreSQL), or add the next periods' partitions."""

from django.core.management.base import BaseCommand, CommandError

from audit.partition import INTERVALS, NotPostgres, partition


class Command(BaseCommand):
    help = (
        "Turn audit_auditevent into a table range-partitioned on `at` (PostgreSQL only; "
        "the existing rows become one archive partition, nothing is copied), then create the "
        "partitions of the current and the next periods. Run again, it only adds partitions."
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", choices=INTERVALS, default="year")
        parser.add_argument(
            "--ahead", type=int, default=2, help="periods to create past the current one"
        )

    def handle(self, *args, interval, ahead, **options):
        try:
            report = partition(interval=interval, ahead=ahead)
        except NotPostgres as exc:
            raise CommandError(str(exc)) from exc
        if report.converted:
            if report.archive_rows:
                self.stdout.write(
                    f"Partitioned: {report.archive_rows} existing events kept as "
                    f"audit_auditevent_archive (before {report.archive_until.isoformat()})."
                )
            else:
                self.stdout.write("Partitioned (the table was empty).")
        for name in report.created:
            self.stdout.write(f"Created {name}.")
        for name in report.skipped:
            self.stderr.write(
                f"Skipped {name}: rows of that period already sit in the default partition."
            )
        if not report.converted and not report.created and not report.skipped:
            self.stdout.write("Already partitioned; every partition ahead exists.")
