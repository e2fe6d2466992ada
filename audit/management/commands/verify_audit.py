import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from audit.verify import verify_audit


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
        if options["workers"] < 0:
            raise CommandError("--workers must be 0 (one per CPU) or more")
        report = verify_audit(exported=exported, workers=options["workers"])
        self.stdout.write(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
        if not report.ok:
            sys.exit(1)
