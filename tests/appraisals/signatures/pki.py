"""Test material: a small PDF, a test CA with an agency PKCS#12, and a fake BSrE service."""

from __future__ import annotations

import base64
import email.parser
import email.policy
import io
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from appraisals.selectors.documents import document_current_of
from appraisals.signatures import ca
from appraisals.signatures.services import REGISTRY_KIND

P12_PASSPHRASE = "p12-secret-Agency-7f3c"  # noqa: S105 - test material
BSRE_USER, BSRE_PASSWORD = "esign-client", "basic-secret-9d1e"  # noqa: S105
BSRE_PASSPHRASE = "Bsr3-Passphrase.!42"  # noqa: S105
NIK = "1102030405060001"


def small_pdf(text: str = "SASARAN KINERJA PEGAWAI") -> bytes:
    buf = io.BytesIO()
    doc = canvas.Canvas(buf, pagesize=A4, invariant=1)
    doc.setTitle("SKP")
    doc.drawString(72, 760, text)
    doc.drawString(72, 740, "NIP 199001012020012001")
    doc.showPage()
    doc.save()
    return buf.getvalue()


def issued(appraisal, kind: str) -> bytes:
    """The document Kinerja issued for `appraisal` that `kind` signs (a stand-in PDF where
    none is issued yet, for the refusals that come first)."""
    document = document_current_of(appraisal=appraisal, kind=REGISTRY_KIND.get(kind, kind))
    return bytes(document.content) if document is not None else small_pdf()


@dataclass
class Pki:
    authority: ca.Authority
    folder: object  # Path holding ca.pem and <agency>.p12
    bsre_authority: ca.Authority
    bsre_signer: signers.SimpleSigner

    @property
    def ca_pem(self) -> bytes:
        return self.authority.pem


def make_pki(folder) -> Pki:
    authority = ca.authority_create(common_name="Kinerja Test CA")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ca.pem").write_bytes(authority.pem)
    ca.write_private(
        folder / "PEMKAB.p12",
        ca.signer_pkcs12(
            authority,
            common_name="Pemerintah Kabupaten Aceh Tenggara",
            organisation="Pemkab Aceh Tenggara",
            passphrase=P12_PASSPHRASE.encode(),
        ),
    )
    bsre = ca.authority_create(common_name="BSrE Test Root", organisation="BSSN (test)")
    p12 = ca.signer_pkcs12(
        bsre, common_name="Cut Nyak Dhien", organisation="BSSN (test)", passphrase=b"x"
    )
    signer = signers.SimpleSigner.load_pkcs12_data(p12, other_certs=[], passphrase=b"x")
    return Pki(authority, folder, bsre, signer)


@dataclass
class FakeBsre:
    """The BSrE esign client API's shape, served locally: POST /api/sign/pdf."""

    signer: signers.SimpleSigner
    users: dict = field(default_factory=lambda: {NIK: BSRE_PASSPHRASE})
    mode: str = "ok"  # ok | error_500 | slow | garbage
    delay: float = 2.0
    requests: list = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeBsre:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _json(self, status: int, body: dict):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                fake.handle(self, raw)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.handle_error = lambda *a: None
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def handle(self, h, raw: bytes) -> None:
        form = _parse_form(h.headers.get("Content-Type", ""), raw)
        self.requests.append(
            {
                "path": h.path,
                "authorization": h.headers.get("Authorization", ""),
                "fields": {k: v for k, v in form.items() if k != "file"},
                "file": form.get("file"),
            }
        )
        if h.path != "/api/sign/pdf":
            return h._json(404, {"error": "Not Found", "status_code": 404})
        expected = "Basic " + base64.b64encode(f"{BSRE_USER}:{BSRE_PASSWORD}".encode()).decode()
        if h.headers.get("Authorization") != expected:
            return h._json(401, {"error": "Unauthorized", "status_code": 401})
        if self.mode == "error_500":
            return h._json(500, {"error": "Internal server error", "status_code": 500})
        if self.mode == "slow":
            time.sleep(self.delay)
        nik = form.get("nik", "")
        if nik not in self.users:
            return h._json(400, {"error": "User tidak terdaftar", "status_code": 2011})
        if form.get("passphrase") != self.users[nik]:
            return h._json(400, {"error": "Passphrase anda salah", "status_code": 2031})
        body = b"<html>maintenance</html>" if self.mode == "garbage" else self.sign(form["file"])
        h.send_response(200)
        h.send_header("Content-Type", "application/pdf")
        h.send_header("id_dokumen", f"bsre-{len(self.requests)}")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    def sign(self, pdf: bytes) -> bytes:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        count = len(list(fields.enumerate_sig_fields(writer.prev)))
        meta = signers.PdfSignatureMetadata(
            field_name=f"bsre_{count + 1}",
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
        )
        return signers.sign_pdf(writer, meta, signer=self.signer).getvalue()


def _parse_form(content_type: str, raw: bytes) -> dict:
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + raw
    )
    form = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        form[name] = payload if name == "file" else payload.decode("utf-8")
    return form


def closed_port_url() -> str:
    """A local URL nothing listens on: the service is down."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}"
