import json
import sys

from django.core.management.base import BaseCommand

from audit.verify import verify_chains


class Command(BaseCommand):
    help = "Recompute every audit hash chain; exit 1 and report when anything is wrong."

    def handle(self, *args, **options):
        report = verify_chains()
        self.stdout.write(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
        if not report.ok:
            sys.exit(1)
