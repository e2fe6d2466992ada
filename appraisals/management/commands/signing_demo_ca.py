"""Make a demo/test CA and the PKCS#12 files the local signer uses (never for production keys).

    KINERJA_SIGNING_PKCS12_PASSPHRASE=... manage.py signing_demo_ca [--dir DIR]
        [--agency CODE ...] [--people]

Writes DIR/ca.pem (add it to KINERJA_SIGNING_TRUST_ROOTS; it is the default), DIR/ca.key
(encrypted), DIR/<agency>.p12 per agency and, with --people, DIR/<agency>/<NIP>.p12 per
active employee. The passphrase comes only from the environment, so it is in no shell
history and no database. An existing CA in DIR is reused.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from appraisals.models import Employee, Unit
from appraisals.signatures import ca

PASSPHRASE_ENV = "KINERJA_SIGNING_PKCS12_PASSPHRASE"


class Command(BaseCommand):
    help = (
        "Buat CA demo dan berkas PKCS#12 per instansi (atau per pegawai) untuk penanda tangan "
        "lokal. / Make a demo CA and PKCS#12 files per agency (or person) for the local signer."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=settings.KINERJA_SIGNING_OPTIONS.get("pkcs12_dir"))
        parser.add_argument("--agency", action="append", default=[], help="Instansi code.")
        parser.add_argument("--people", action="store_true", help="Also one file per employee.")
        parser.add_argument("--force", action="store_true", help="Run even when DEBUG is off.")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "signing_demo_ca hanya untuk pengembangan dan demo; tambahkan --force. / "
                "signing_demo_ca is for development and demos only; pass --force."
            )
        passphrase = os.environ.get(PASSPHRASE_ENV, "").encode("utf-8")
        if not passphrase:
            raise CommandError(
                f"Isi variabel lingkungan {PASSPHRASE_ENV} dengan passphrase berkas PKCS#12. / "
                f"Set {PASSPHRASE_ENV} to the PKCS#12 files' passphrase."
            )
        folder = Path(options["dir"])
        authority = self._authority(folder, passphrase)
        codes = options["agency"] or list(
            Unit.objects.filter(kind=Unit.Kind.INSTANSI).values_list("code", flat=True)
        )
        for code in codes:
            unit = Unit.objects.filter(code=code).first()
            name = unit.name if unit else code
            ca.write_private(
                folder / f"{code}.p12",
                ca.signer_pkcs12(
                    authority, common_name=name, organisation=name, passphrase=passphrase
                ),
            )
            self.stdout.write(f"{folder / f'{code}.p12'}")
            if options["people"] and unit is not None:
                for person in Employee.objects.filter(
                    active=True, unit__path__startswith=unit.path
                ).order_by("nip"):
                    path = folder / code / f"{person.nip}.p12"
                    ca.write_private(
                        path,
                        ca.signer_pkcs12(
                            authority,
                            common_name=person.name,
                            organisation=name,
                            passphrase=passphrase,
                        ),
                    )
                    self.stdout.write(str(path))

    def _authority(self, folder: Path, passphrase: bytes) -> ca.Authority:
        cert_path, key_path = folder / "ca.pem", folder / "ca.key"
        if cert_path.is_file() and key_path.is_file():
            return ca.authority_load(cert_path.read_bytes(), key_path.read_bytes(), passphrase)
        authority = ca.authority_create()
        folder.mkdir(parents=True, exist_ok=True)
        cert_path.write_bytes(authority.pem)
        ca.write_private(key_path, ca.authority_key_pem(authority, passphrase))
        self.stdout.write(str(cert_path))
        return authority
