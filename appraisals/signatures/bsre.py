"""The adapter for BSrE (Balai Sertifikasi Elektronik, BSSN): the national TTE service.

The shape agencies integrate against (the service's "esign client" API):

    POST {url}/api/sign/pdf            HTTP Basic auth (the agency's client account)
    multipart/form-data: file (the PDF), nik, passphrase (the signer's own),
        tampilan = invisible | visible (+ page, xAxis, yAxis, width, height, image=false)
    200 application/pdf                the signed PDF; header `id_dokumen`
    4xx/5xx application/json           {"error": "...", "status_code": 2031}
                                       (2031: wrong passphrase; 2011: NIK not registered)

The signer's NIK and passphrase are given at signing time and kept nowhere;
the client account comes from settings (`url`, `username`, `password_env` or
`password`, `timeout`). Whatever goes wrong, the caller gets a clear error
and no document: a timeout, a refused connection, a 5xx, or a 200 whose body
is not the input with one more signature.
"""

from __future__ import annotations

import base64
import io
import json
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass

from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader

from workflow.errors import Problem
from workflow.text import Text

from .backends import SigningBackend, SignRequest
from .errors import SigningCredentialsRefused, SigningError, SigningUnavailable
from .pades import SLOTS

SIGN_PATH = "/api/sign/pdf"
WRONG_PASSPHRASE = 2031
NIK_UNKNOWN = 2011
DEFAULT_TIMEOUT = 30.0

UNREACHABLE = Text(
    id="Layanan TTE BSrE tidak dapat dihubungi atau tidak menjawab tepat waktu; dokumen belum "
    "ditandatangani. Silakan coba lagi nanti.",
    en="The BSrE signing service could not be reached or did not answer in time; the document "
    "is not signed. Please try again later.",
)
BAD_ANSWER = Text(
    id="Layanan TTE BSrE mengembalikan jawaban yang bukan dokumen bertanda tangan; dokumen belum "
    "ditandatangani. Silakan coba lagi.",
    en="The BSrE signing service returned something other than the signed document; the "
    "document is not signed. Please try again.",
)
WRONG_PASSPHRASE_TEXT = Text(
    id="Passphrase TTE salah; dokumen belum ditandatangani. Periksa lalu coba lagi.",
    en="Wrong signing passphrase; the document is not signed. Check it and try again.",
)
NIK_UNKNOWN_TEXT = Text(
    id="NIK tidak terdaftar sebagai pemilik sertifikat elektronik di BSrE.",
    en="This NIK is not registered as a certificate holder at BSrE.",
)
CREDENTIALS_MISSING = Text(
    id="NIK dan passphrase TTE wajib diisi.",
    en="The NIK and the signing passphrase are required.",
)


@dataclass(frozen=True)
class _Answer:
    status: int
    content_type: str
    body: bytes
    document_id: str


def _multipart(fields: dict[str, str], pdf: bytes) -> tuple[bytes, str]:
    boundary = f"----kinerja{secrets.token_hex(12)}"
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f"--{boundary}\r\n".encode())
        out.write(f'Content-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
        out.write(value.encode("utf-8"))
        out.write(b"\r\n")
    out.write(f"--{boundary}\r\n".encode())
    out.write(b'Content-Disposition: form-data; name="file"; filename="document.pdf"\r\n')
    out.write(b"Content-Type: application/pdf\r\n\r\n")
    out.write(pdf)
    out.write(f"\r\n--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def _signature_count(pdf: bytes) -> int:
    return len(PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures)


class BsreSigner(SigningBackend):
    name = "bsre"

    def _fields(self, request: SignRequest) -> dict[str, str]:
        creds = request.credentials
        problems = []
        if not creds.nik.strip():
            problems.append(Problem(code="required", message=CREDENTIALS_MISSING, field="nik"))
        if not creds.passphrase:
            problems.append(
                Problem(code="required", message=CREDENTIALS_MISSING, field="passphrase")
            )
        if problems:
            raise SigningCredentialsRefused(CREDENTIALS_MISSING, problems)
        fields = {"nik": creds.nik.strip(), "passphrase": creds.passphrase}
        if self.option("visible", False):
            x1, y1, x2, y2 = SLOTS[request.role]
            fields |= {
                "tampilan": "visible",
                "image": "false",
                "page": str(self.option("page", 1)),
                "xAxis": str(x1),
                "yAxis": str(y1),
                "width": str(x2 - x1),
                "height": str(y2 - y1),
            }
        else:
            fields["tampilan"] = "invisible"
        return fields

    def _post(self, body: bytes, content_type: str) -> _Answer:
        url = str(self.secret("url")).rstrip("/") + SIGN_PATH
        account = f"{self.secret('username')}:{self.secret('password')}".encode()
        req = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={
                "Content-Type": content_type,
                "Accept": "application/pdf, application/json",
                "Authorization": "Basic " + base64.b64encode(account).decode("ascii"),
            },
        )
        timeout = float(self.option("timeout", DEFAULT_TIMEOUT))
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 (settings URL)
                return _Answer(
                    resp.status,
                    resp.headers.get("Content-Type", ""),
                    resp.read(),
                    resp.headers.get("id_dokumen", ""),
                )
        except urllib.error.HTTPError as exc:
            with exc:
                return _Answer(exc.code, exc.headers.get("Content-Type", ""), exc.read(), "")
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError):
            # Never chain the exception: nothing of the request (the passphrase) may reach a log.
            raise SigningUnavailable(UNREACHABLE) from None

    def sign(self, request: SignRequest) -> bytes:
        body, content_type = _multipart(self._fields(request), request.pdf)
        before = _signature_count(request.pdf)
        answer = self._post(body, content_type)
        if answer.status == 200:
            return self._signed(answer, before)
        raise self._refusal(answer)

    def _signed(self, answer: _Answer, before: int) -> bytes:
        if not answer.body.startswith(b"%PDF"):
            raise SigningUnavailable(BAD_ANSWER)
        try:
            after = _signature_count(answer.body)
        except (PdfError, ValueError, KeyError, TypeError, IndexError):
            raise SigningUnavailable(BAD_ANSWER) from None
        if after != before + 1:
            raise SigningUnavailable(BAD_ANSWER)
        return answer.body

    def _refusal(self, answer: _Answer) -> SigningError:
        detail, code = "", None
        try:
            data = json.loads(answer.body.decode("utf-8"))
            if isinstance(data, dict):
                detail = str(data.get("error") or data.get("message") or "")[:300]
                code = data.get("status_code")
        except (UnicodeDecodeError, ValueError):
            pass
        if code == WRONG_PASSPHRASE:
            return SigningCredentialsRefused(
                WRONG_PASSPHRASE_TEXT,
                [
                    Problem(
                        code="wrong_passphrase", message=WRONG_PASSPHRASE_TEXT, field="passphrase"
                    )
                ],
            )
        if code == NIK_UNKNOWN:
            return SigningCredentialsRefused(
                NIK_UNKNOWN_TEXT,
                [Problem(code="nik_unknown", message=NIK_UNKNOWN_TEXT, field="nik")],
            )
        suffix = f" ({answer.status}: {detail})" if detail else f" ({answer.status})"
        return SigningUnavailable(
            Text(
                id="Layanan TTE BSrE menolak permintaan; dokumen belum ditandatangani. Silakan "
                "coba lagi nanti." + suffix,
                en="The BSrE signing service refused the request; the document is not signed. "
                "Please try again later." + suffix,
            )
        )
