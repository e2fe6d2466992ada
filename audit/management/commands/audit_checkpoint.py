import json
from pathlib import Path

from django.core.management.base import BaseCommand

from audit.checkpoints import checkpoint_seal, checkpoints_export
from audit.publish import checkpoints_publish_missing


class Command(BaseCommand):
    help = (
        "Seal every audit event since the last checkpoint into a signed Merkle tree head; "
        "optionally export all checkpoints for keeping outside the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--export", metavar="FILE", help="write every checkpoint to FILE")
        parser.add_argument(
            "--with-entries",
            action="store_true",
            help="export the sealed leaves too (locates a truncation even if rows are gone)",
        )
        parser.add_argument("--no-seal", action="store_true", help="only export")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="publish to AUDIT_PUBLISH_DIR every head not there yet (after an outage)",
        )

    def handle(self, *args, **options):
        if not options["no_seal"]:
            sealed = checkpoint_seal()
            for cp in sealed:
                self.stdout.write(f"checkpoint {cp.number}: {cp.size} events, root {cp.root}")
            if not sealed:
                self.stdout.write("nothing to seal")
        if options["publish"]:
            done = checkpoints_publish_missing()
            self.stdout.write(f"published {len(done)} checkpoint heads")
        if options["export"]:
            doc = checkpoints_export(with_entries=options["with_entries"])
            text = json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
            Path(options["export"]).write_text(text, "utf-8")
            self.stdout.write(f"exported {len(doc['checkpoints'])} checkpoints")
