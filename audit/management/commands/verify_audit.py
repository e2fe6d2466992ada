import json
import sys
from pathlib import Path

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

    def handle(self, *args, **options):
        exported = None
        if options["checkpoints"]:
            try:
                exported = json.loads(Path(options["checkpoints"]).read_text("utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(f"cannot read {options['checkpoints']}: {exc}") from exc
        report = verify_audit(exported=exported)
        self.stdout.write(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
        if not report.ok:
            sys.exit(1)
