from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit.bundle import bundle_build, bundle_bytes
from audit.evidence import EvidenceUnavailable, evidence_subjects


class Command(BaseCommand):
    help = (
        "Export an evidence bundle (events, checkpoints, inclusion proofs) of one or more "
        "subjects, or of one unit-cycle; check it anywhere with python -m audit.verify_bundle."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--subject",
            action="append",
            default=[],
            help="<type>:<id>, repeatable, e.g. appraisals.appraisal:42",
        )
        parser.add_argument("--unit", help="with --cycle: every appraisal of the unit-cycle")
        parser.add_argument("--cycle")
        parser.add_argument("--out", required=True, metavar="FILE")

    def handle(self, *args, **options):
        try:
            subjects = evidence_subjects(
                subjects=options["subject"], unit=options["unit"], cycle=options["cycle"]
            )
        except EvidenceUnavailable as exc:
            raise CommandError(str(exc)) from None
        doc = bundle_build(subjects=subjects, title=", ".join(subjects)[:200])
        Path(options["out"]).write_bytes(bundle_bytes(doc))
        events = sum(len(s["events"]) for s in doc["subjects"])
        self.stdout.write(
            f"{options['out']}: {len(subjects)} subject(s), {events} event(s), "
            f"{len(doc['checkpoints'])} checkpoint(s)"
        )
