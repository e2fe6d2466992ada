"""The local signer: PAdES with a PKCS#12 held by the agency (demo, tests, an agency's own PKI).

Options (settings, per agency; see backends.py):
- `pkcs12`: path of the agency's PKCS#12; `{agency}` in it is replaced by the code;
- or `pkcs12_dir`: a folder holding `<agency>/<nip>.p12` (one per person) or `<agency>.p12`;
- `passphrase_env` (the environment variable holding the passphrase) or `passphrase`;
- `visible`: draw the signature in the role's slot (default) or sign invisibly.
"""

from __future__ import annotations

from pathlib import Path

from pyhanko.sign.signers import SimpleSigner

from workflow.text import Text

from . import pades
from .backends import SigningBackend, SignRequest
from .errors import SigningNotConfigured


class LocalPkcs12Signer(SigningBackend):
    name = "local_pkcs12"

    def pkcs12_path(self, request: SignRequest) -> Path:
        explicit = self.option("pkcs12")
        if explicit:
            return Path(str(explicit).format(agency=self.agency))
        folder = self.option("pkcs12_dir")
        if folder:
            personal = Path(folder) / self.agency / f"{request.signer_nip}.p12"
            if request.signer_nip and personal.is_file():
                return personal
            return Path(folder) / f"{self.agency}.p12"
        raise self._not_configured("pkcs12")

    def _not_configured(self, what: str) -> SigningNotConfigured:
        return SigningNotConfigured(
            Text(
                id=f"Sertifikat tanda tangan instansi {self.agency} belum tersedia ({what}).",
                en=f"No signing certificate is available for agency {self.agency} ({what}).",
            )
        )

    def load(self, request: SignRequest) -> SimpleSigner:
        path = self.pkcs12_path(request)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise self._not_configured(path.name) from exc
        passphrase = self.secret("passphrase").encode("utf-8")
        try:
            return SimpleSigner.load_pkcs12_data(data, other_certs=[], passphrase=passphrase)
        except ValueError as exc:
            # A wrong passphrase in settings is the operator's fault, not the signer's.
            raise self._not_configured(f"{path.name}: passphrase") from exc

    def sign(self, request: SignRequest) -> bytes:
        signer = self.load(request)
        return pades.sign(request, signer, visible=bool(self.option("visible", True)))
