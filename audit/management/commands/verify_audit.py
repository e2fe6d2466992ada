import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from audit.publish import published_load
from audit.verify import CannotStart, verify_audit, verify_since


class Command(BaseCommand):
    help = (
        "Recompute every audit hash chain, check the checkpoints and the live records "
        "against their chain heads; exit 1 and report where anything is wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoints",
            metavar="FILE",
            help="checkpoints exported earlier (audit_checkpoint --export) and kept elsewhere",
        )
        parser.add_argument(
            "--published",
            metavar="DIR",
            help="signed tree heads published outside the database (default: AUDIT_PUBLISH_DIR)",
        )
        parser.add_argument(
            "--since",
            type=int,
            metavar="CHECKPOINT",
            help="check only what came after this checkpoint number: the newer checkpoints, "
            "their consistency proofs and the newer events (events sealed up to it are not "
            "re-read: run without --since for that)",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=settings.AUDIT_VERIFY_WORKERS,
            metavar="N",
            help="processes for the chain pass on PostgreSQL; 0: one per CPU "
            "(default: AUDIT_VERIFY_WORKERS, %(default)s)",
        )

    def handle(self, *args, **options):
        exported = None
        if options["checkpoints"]:
            try:
                exported = json.loads(Path(options["checkpoints"]).read_text("utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(f"cannot read {options['checkpoints']}: {exc}") from exc
        if options["published"]:
            if exported is not None:
                raise CommandError("give --checkpoints or --published, not both")
            try:
                exported = published_load(options["published"])
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        if options["workers"] < 0:
            raise CommandError("--workers must be 0 (one per CPU) or more")
        if options["since"] is not None:
            if exported is None:
                from audit.publish import published_default

                exported = published_default()
            try:
                report = verify_since(checkpoint=options["since"], exported=exported)
            except CannotStart as exc:
                raise CommandError(str(exc)) from exc
        else:
            report = verify_audit(exported=exported, workers=options["workers"])
        self.stdout.write(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
        if not report.ok:
            sys.exit(1)
