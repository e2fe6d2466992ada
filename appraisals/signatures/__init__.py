"""Electronic signatures (TTE) on the documents Kinerja issues: PAdES inside the PDF.

- `backends`: the pluggable signing backend, chosen per agency by settings;
- `local`: a PKCS#12 per agency (or person); `ca` makes a demo/test CA and the files;
- `bsre`: the adapter for BSrE's TTE service;
- `pades`: the signature fields (one per signer) and pyHanko's incremental signing;
- `validation`: `validate_pdf(data)`: who signed, when, intact, trusted, modified since;
- `services`: `document_sign`, signing as an audited action on the appraisal's chain.
"""
