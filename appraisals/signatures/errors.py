"""What can go wrong when signing, in the engine's error shape (bilingual, with an HTTP meaning).

A signing error always means: nothing was signed and nothing recorded; the
same request may be tried again.
"""

from __future__ import annotations

from workflow.errors import WorkflowError


class SigningError(WorkflowError):
    """The document could not be signed (bad input, bad configuration)."""

    status = 400
    code = "signing_failed"


class SigningCredentialsRefused(SigningError):
    """The signer's credentials were refused (wrong passphrase, unknown NIK)."""

    status = 400
    code = "signing_credentials_refused"


class SigningUnavailable(SigningError):
    """The signing service did not answer, or answered with an error of its own: try later."""

    status = 503
    code = "signing_unavailable"


class SigningNotConfigured(SigningError):
    """No key, certificate or service is configured for this agency."""

    status = 503
    code = "signing_not_configured"


class SigningConflict(SigningError):
    """The document already carries this signer's signature."""

    status = 409
    code = "already_signed"
