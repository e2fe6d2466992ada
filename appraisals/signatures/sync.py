"""pyHanko's synchronous calls outside any running event loop.

pyHanko's sync API (`PdfSigner.sign_pdf`, `validate_pdf_signature`) wraps its
async core in `asyncio.run`, which refuses to start in a thread where a loop
already runs (an async view or worker, a test that drives a browser from the
same thread). There the call runs in a short-lived thread of its own.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor


def outside_loop(fn, /, *args, **kwargs):
    """`fn(*args, **kwargs)`, in a fresh thread when this one runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args, **kwargs).result()
