import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from appraisals.models import Cycle
from appraisals.services.cycles import cycle_open
from workflow.actors import system_actor


class Command(BaseCommand):
    help = (
        "Buka siklus: satu penilaian 'draft' untuk setiap pegawai aktif. / "
        "Open a cycle: one draft appraisal for every active employee in scope."
    )

    def add_arguments(self, parser):
        parser.add_argument("cycle", type=int, help="cycle id")
        parser.add_argument("--as", dest="username", help="acting HR admin (default: system)")

    def handle(self, *args, cycle: int, username: str | None, **options):
        try:
            target = Cycle.objects.get(pk=cycle)
        except Cycle.DoesNotExist:
            raise CommandError(f"Siklus {cycle} tidak ada / no cycle {cycle}") from None
        actor = system_actor()
        if username:
            actor = get_user_model().objects.filter(username=username).first()
            if actor is None:
                raise CommandError(f"Pengguna tidak ada / no user {username!r}")

        def progress(done: int, total: int) -> None:
            width = 40
            filled = int(width * done / total) if total else width
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
            sys.stderr.flush()

        created = cycle_open(cycle=target, actor=actor, progress=progress)
        sys.stderr.write("\n")
        self.stdout.write(f"{created} penilaian dibuat / appraisals created in {target.name}")
