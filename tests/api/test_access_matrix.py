# ruff: noqa: E501  (the table below is wider than a line, and reads best unbroken)
"""Every endpoint x method x persona x own/foreign object, against the policy.

The table below is written out by hand from appraisals/policies.py and the
contract, not derived from the code it checks. A cell says what the persona
gets on the "own" object (the employee's side, Dinas Pendidikan) or the
"foreign" one (Dinas Kesehatan, or another instansi for cycles and jobs); the
`colleague` works beside the employee (same unit and appraiser, an appraisal of
their own) and must see no more of the employee's appraisal than the outsider;
`-` rows are collections with no object. Values:

  ok   allowed: a read answers 2xx; a write 2xx, 400, 409 or 412 (authorisation
       passed; the body or the state may still be refused)
  401  anonymous     403  visible but forbidden     404  invisible (never says it exists)
  --   not tried (see the row's comment)

Every route the resolver knows under /api/ and every operation of the OpenAPI
schema must have its rows: a new endpoint without them fails
test_table_covers_every_route. A refused write changes nothing (audit events,
simple-history rows, appraisal versions), and the inspector's writes are all
refused except on their own session and inbox.
"""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from appraisals.models import Appraisal
from appraisals.policies import forget_profile
from audit.models import AuditEvent

from .access_world import body_for, build_world, url_for

pytestmark = pytest.mark.django_db

PERSONAS = (
    "employee",
    "appraiser",
    "superior",
    "other_appraiser",
    "panel",
    "authority",
    "inspector",
    "hr_admin",
    "outsider",
    "colleague",
    "anonymous",
)

# method path                                      object   emp appr sup oappr panel auth insp hr  out coll anon
TABLE = """
POST   /api/auth/token/                               -        ok  ok   ok  ok    ok    ok   ok   ok  ok  ok   ok
POST   /api/auth/logout/                              -        ok  ok   ok  ok    ok    ok   ok   ok  ok  ok   401
# Tokens are the caller's own: someone else's is 404, never revoked.
GET    /api/auth/tokens/                              -        ok  ok   ok  ok    ok    ok   ok   ok  ok  ok   401
DELETE /api/auth/tokens/                              -        ok  ok   ok  ok    ok    ok   ok   ok  ok  ok   401
DELETE /api/auth/tokens/{id}/                         own      ok  ok   ok  ok    ok    ok   ok   ok  ok  ok   401
DELETE /api/auth/tokens/{id}/                         foreign  404 404  404 404   404   404  404  404 404 404  401
GET    /api/me/                                       -        ok  ok   ok  ok    ok    ok   ok   ok  ok  ok   401
GET    /api/appraisals/                               -        ok  ok   ok  ok    ok    ok   ok   ok  ok  ok   401
GET    /api/appraisals/{id}/                          own      ok  ok   ok  404   ok    ok   ok   ok  404 404  401
GET    /api/appraisals/{id}/                          foreign  404 404  ok  ok    ok    ok   ok   ok  ok  404  401
POST   /api/appraisals/{id}/transitions/{name}/       own      ok  403  403 404   403   403  403  403 404 404  401
POST   /api/appraisals/{id}/transitions/{name}/       foreign  404 404  403 403   403   403  403  403 ok  404  401
# History: the employee, the chain of superiors, panel, authority, inspectors; not HR.
GET    /api/appraisals/{id}/history/                  own      ok  ok   ok  404   ok    ok   ok   403 404 404  401
GET    /api/appraisals/{id}/history/                  foreign  404 404  ok  ok    ok    ok   ok   403 ok  404  401
GET    /api/appraisals/{id}/plan-items/               own      ok  ok   ok  404   ok    ok   ok   ok  404 404  401
GET    /api/appraisals/{id}/plan-items/               foreign  404 404  ok  ok    ok    ok   ok   ok  ok  404  401
# HR writes the plan of an appraisal in scope once the cycle's fallback date passed (the
# matrix's cycle is 2026's: 14 January 2026), and only in draft (here in progress: 409).
POST   /api/appraisals/{id}/plan-items/               own      ok  403  403 404   403   403  403  ok  404 404  401
POST   /api/appraisals/{id}/plan-items/               foreign  404 404  403 403   403   403  403  ok  ok  404  401
GET    /api/appraisals/{id}/plan-items/{item}/        own      ok  ok   ok  404   ok    ok   ok   ok  404 404  401
GET    /api/appraisals/{id}/plan-items/{item}/        foreign  404 404  ok  ok    ok    ok   ok   ok  ok  404  401
PATCH  /api/appraisals/{id}/plan-items/{item}/        own      ok  403  403 404   403   403  403  ok  404 404  401
PATCH  /api/appraisals/{id}/plan-items/{item}/        foreign  404 404  403 403   403   403  403  ok  ok  404  401
DELETE /api/appraisals/{id}/plan-items/{item}/        own      ok  403  403 404   403   403  403  ok  404 404  401
DELETE /api/appraisals/{id}/plan-items/{item}/        foreign  404 404  403 403   403   403  403  ok  ok  404  401
GET    /api/appraisals/{id}/behaviour-expectations/   own      ok  ok   ok  404   ok    ok   ok   ok  404 404  401
GET    /api/appraisals/{id}/behaviour-expectations/   foreign  404 404  ok  ok    ok    ok   ok   ok  ok  404  401
# The expectations likewise: the appraiser, or HR after the fallback date (draft only).
PUT    /api/appraisals/{id}/behaviour-expectations/   own      403 ok   403 404   403   403  403  ok  404 404  401
PUT    /api/appraisals/{id}/behaviour-expectations/   foreign  404 404  403 ok    403   403  403  ok  403 404  401
GET    /api/appraisals/{id}/annex/                    own      ok  ok   ok  404   ok    ok   ok   ok  404 404  401
GET    /api/appraisals/{id}/annex/                    foreign  404 404  ok  ok    ok    ok   ok   ok  ok  404  401
PUT    /api/appraisals/{id}/annex/                    own      ok  403  403 404   403   403  403  403 404 404  401
PUT    /api/appraisals/{id}/annex/                    foreign  404 404  403 403   403   403  403  403 ok  404  401
GET    /api/appraisals/{id}/coverage/                 own      ok  ok   ok  404   ok    ok   ok   ok  404 404  401
GET    /api/appraisals/{id}/coverage/                 foreign  404 404  ok  ok    ok    ok   ok   ok  ok  404  401
# Signing a document (TTE): the plan's signers are its employee and appraiser (the body, not a
# PDF, is then refused 400); everyone else who sees the appraisal is 403.
POST   /api/appraisals/{id}/signatures/{kind}/        own      ok  ok   403 404   403   403  403  403 404 404  401
POST   /api/appraisals/{id}/signatures/{kind}/        foreign  404 404  403 ok    403   403  403  403 ok  404  401
GET    /api/appraisals/{id}/check-ins/                own      ok  ok   ok  404   ok    ok   ok   ok  404 404  401
GET    /api/appraisals/{id}/check-ins/                foreign  404 404  ok  ok    ok    ok   ok   ok  ok  404  401
POST   /api/appraisals/{id}/check-ins/                own      ok  403  403 404   403   403  403  403 404 404  401
POST   /api/appraisals/{id}/check-ins/                foreign  404 404  403 403   403   403  403  403 ok  404  401
GET    /api/appraisals/{id}/check-ins/{period}/       own      ok  ok   ok  404   ok    ok   ok   ok  404 404  401
GET    /api/appraisals/{id}/check-ins/{period}/       foreign  404 404  ok  ok    ok    ok   ok   ok  ok  404  401
POST /api/appraisals/{id}/check-ins/{period}/feedback/ own 403 ok   403 404   403   403  403  403 404 404  401
POST /api/appraisals/{id}/check-ins/{period}/feedback/ foreign 404 404  403 ok    403   403  403  403 403 404  401
# Periodic evaluation (PermenPANRB 6/2022): read as check-ins are; rated by the appraiser alone.
GET    /api/appraisals/{id}/periodic-evaluations/     own      ok  ok   ok  404   ok    ok   ok   ok  404 404  401
GET    /api/appraisals/{id}/periodic-evaluations/     foreign  404 404  ok  ok    ok    ok   ok   ok  ok  404  401
POST   /api/appraisals/{id}/periodic-evaluations/     own      403 ok   403 404   403   403  403  403 404 404  401
POST   /api/appraisals/{id}/periodic-evaluations/     foreign  404 404  403 ok    403   403  403  403 403 404  401
GET    /api/appraisals/{id}/periodic-evaluations/{period}/ own ok  ok   ok  404   ok    ok   ok   ok  404 404  401
GET    /api/appraisals/{id}/periodic-evaluations/{period}/ foreign 404 404 ok ok   ok    ok   ok   ok  ok  404  401
GET    /api/appraisals/{id}/check-ins/{period}/evidence/ own ok  ok   ok  404   ok    ok   ok   ok  404 404  401
GET    /api/appraisals/{id}/check-ins/{period}/evidence/ foreign 404 404  ok  ok    ok    ok   ok   ok  ok  404  401
POST /api/appraisals/{id}/check-ins/{period}/evidence/ own ok  403  403 404   403   403  403  403 404 404  401
POST /api/appraisals/{id}/check-ins/{period}/evidence/ foreign 404 404  403 403   403   403  403  403 ok  404  401
GET /api/appraisals/{id}/check-ins/{period}/evidence/{evidence}/file/ own ok  ok   ok  404   ok    ok   ok   ok  404 404  401
GET /api/appraisals/{id}/check-ins/{period}/evidence/{evidence}/file/ foreign 404 404  ok  ok    ok    ok   ok   ok  ok  404  401
GET    /api/appraisals/{id}/self-assessment-draft/    own      ok  ok   ok  404   ok    ok   ok   ok  404 404  401
GET    /api/appraisals/{id}/self-assessment-draft/    foreign  404 404  ok  ok    ok    ok   ok   ok  ok  404  401
# The documents (SKP, evaluation) as PDFs: whoever reads the appraisal.
GET    /api/appraisals/{id}/documents/skp/            own      ok  ok   ok  404   ok    ok   ok   ok  404 404  401
GET    /api/appraisals/{id}/documents/skp/            foreign  404 404  ok  ok    ok    ok   ok   ok  ok  404  401
GET    /api/appraisals/{id}/documents/evaluation/     own      ok  ok   ok  404   ok    ok   ok   ok  404 404  401
GET    /api/appraisals/{id}/documents/evaluation/     foreign  404 404  ok  ok    ok    ok   ok   ok  ok  404  401
GET    /api/appraisals/{id}/documents/evaluation/{period}/ own ok ok   ok  404   ok    ok   ok   ok  404 404  401
GET    /api/appraisals/{id}/documents/evaluation/{period}/ foreign 404 404 ok ok  ok    ok   ok   ok  ok  404  401
# Public verification of a document (code or upload): anyone, signed in or not; no personal data.
GET    /api/documents/verify/                         -        ok  ok   ok  ok    ok    ok   ok   ok  ok  ok   ok
POST   /api/documents/verify/                         -        ok  ok   ok  ok    ok    ok   ok   ok  ok  ok   ok
# Everyone who sees the appraisal reads peer feedback; only appraiser and reviewer see names.
GET    /api/appraisals/{id}/peer-feedback/            own      ok  ok   ok  404   ok    ok   ok   ok  404 404  401
GET    /api/appraisals/{id}/peer-feedback/            foreign  404 404  ok  ok    ok    ok   ok   ok  ok  404  401
POST   /api/appraisals/{id}/peer-feedback/            own      403 ok   403 404   403   403  403  403 404 404  401
POST   /api/appraisals/{id}/peer-feedback/            foreign  404 404  403 ok    403   403  403  403 403 404  401
GET    /api/appraisals/{id}/surveys/                  own      ok  ok   ok  404   ok    ok   ok   ok  404 404  401
GET    /api/appraisals/{id}/surveys/                  foreign  404 404  ok  ok    ok    ok   ok   ok  ok  404  401
# Requests are the asked peer's alone: the superior is asked on the own side, the appraiser on
# the foreign side; anyone else's request is as missing as one that never was.
GET    /api/peer-feedback/requests/                   -        ok  ok   ok  ok    ok    ok   ok   ok  ok  ok   401
POST   /api/peer-feedback/requests/{request_id}/      own      404 404  ok  404   404   404  404  404 404 404  401
POST   /api/peer-feedback/requests/{request_id}/      foreign  404 ok   404 404   404   404  404  404 404 404  401
# Cycles are public to every signed-in user; only HR of the cycle's instansi creates or opens.
GET    /api/cycles/                                   -        ok  ok   ok  ok    ok    ok   ok   ok  ok  ok   401
POST   /api/cycles/                                   own      403 403  403 403   403   403  403  ok  403 403  401
POST   /api/cycles/                                   foreign  403 403  403 403   403   403  403  403 403 403  401
GET    /api/cycles/{id}/                              own      ok  ok   ok  ok    ok    ok   ok   ok  ok  ok   401
GET    /api/cycles/{id}/                              foreign  ok  ok   ok  ok    ok    ok   ok   ok  ok  ok   401
# Phase deadlines: HR only (403 to others); another instansi's cycle is 404 to HR.
GET    /api/cycles/{id}/phase-deadlines/              own      403 403  403 403   403   403  403  ok  403 403  401
GET    /api/cycles/{id}/phase-deadlines/              foreign  403 403  403 403   403   403  403  404 403 403  401
PUT    /api/cycles/{id}/phase-deadlines/              own      403 403  403 403   403   403  403  ok  403 403  401
PUT    /api/cycles/{id}/phase-deadlines/              foreign  403 403  403 403   403   403  403  404 403 403  401
PATCH  /api/cycles/{id}/phase-deadlines/              own      403 403  403 403   403   403  403  ok  403 403  401
PATCH  /api/cycles/{id}/phase-deadlines/              foreign  403 403  403 403   403   403  403  404 403 403  401
POST   /api/cycles/{id}/open/                         own      403 403  403 403   403   403  403  ok  403 403  401
POST   /api/cycles/{id}/open/                         foreign  403 403  403 403   403   403  403  403 403 403  401
# Closing freezes the cycle; reopening needs a reason (#14). HR of its instansi only.
POST   /api/cycles/{id}/close/                        own      403 403  403 403   403   403  403  ok  403 403  401
POST   /api/cycles/{id}/close/                        foreign  403 403  403 403   403   403  403  403 403 403  401
POST   /api/cycles/{id}/reopen/                       own      403 403  403 403   403   403  403  ok  403 403  401
POST   /api/cycles/{id}/reopen/                       foreign  403 403  403 403   403   403  403  403 403 403  401
# The instansi's own non-working days (#14): its HR admins alone see and change them.
GET    /api/agency-days/                              -        ok  ok   ok  ok    ok    ok   ok   ok  ok  ok   401
POST   /api/agency-days/                              own      403 403  403 403   403   403  403  ok  403 403  401
POST   /api/agency-days/                              foreign  403 403  403 403   403   403  403  403 403 403  401
GET    /api/agency-days/{id}/                         own      404 404  404 404   404   404  404  ok  404 404  401
GET    /api/agency-days/{id}/                         foreign  404 404  404 404   404   404  404  404 404 404  401
DELETE /api/agency-days/{id}/                         own      404 404  404 404   404   404  404  ok  404 404  401
DELETE /api/agency-days/{id}/                         foreign  404 404  404 404   404   404  404  404 404 404  401
# A job is its requester's and HR's of the cycle's instansi.
GET    /api/jobs/{id}/                                own      404 404  404 404   404   404  404  ok  404 404  401
GET    /api/jobs/{id}/                                foreign  404 404  404 404   404   404  404  404 404 404  401
# A finished recap job's file: as the job, and only while its unit stays in the reader's sight.
GET    /api/jobs/{id}/file/                           own      404 404  404 404   404   404  404  ok  404 404  401
GET    /api/jobs/{id}/file/                           foreign  404 404  404 404   404   404  404  404 404 404  401
POST   /api/surveys/import/                           own      403 403  403 403   403   403  403  ok  403 403  401
POST   /api/surveys/import/                           foreign  403 403  403 403   403   403  403  403 403 403  401
# Directory: one's own unit and its ancestors, whom one rates, assigned scopes.
GET    /api/units/                                    -        ok  ok   ok  ok    ok    ok   ok   ok  ok  ok   401
GET    /api/units/{id}/                               own      ok  ok   ok  404   ok    ok   ok   ok  404 ok   401
GET    /api/units/{id}/                               foreign  404 404  404 ok    ok    ok   ok   ok  ok  404  401
# A unit's zone (#14): HR over it; whoever sees the unit otherwise is 403.
GET    /api/units/{id}/time-zone/                     own      403 403  403 404   403   403  403  ok  404 403  401
GET    /api/units/{id}/time-zone/                     foreign  404 404  404 403   403   403  403  ok  403 404  401
PUT    /api/units/{id}/time-zone/                     own      403 403  403 404   403   403  403  ok  404 403  401
PUT    /api/units/{id}/time-zone/                     foreign  404 404  404 403   403   403  403  ok  403 404  401
GET    /api/positions/                                -        ok  ok   ok  ok    ok    ok   ok   ok  ok  ok   401
GET    /api/employees/                                -        ok  ok   ok  ok    ok    ok   ok   ok  ok  ok   401
GET    /api/employees/{id}/                           own      ok  ok   ok  404   ok    ok   ok   ok  404 404  401
GET    /api/employees/{id}/                           foreign  404 404  ok  ok    ok    ok   ok   ok  ok  404  401
# Calibration: assigned roles read, the authority writes; a unit seen in the directory is 403.
GET    /api/units/{id}/calibration/                   own      403 403  403 404   ok    ok   ok   ok  404 403  401
GET    /api/units/{id}/calibration/                   foreign  404 404  404 403   ok    ok   ok   ok  403 404  401
# Recaps: the unit dashboard's readers (as the calibration).
GET    /api/units/{id}/recap/xlsx/                    own      403 403  403 404   ok    ok   ok   ok  404 403  401
GET    /api/units/{id}/recap/xlsx/                    foreign  404 404  404 403   ok    ok   ok   ok  403 404  401
GET    /api/units/{id}/recap/csv/                     own      403 403  403 404   ok    ok   ok   ok  404 403  401
GET    /api/units/{id}/recap/csv/                     foreign  404 404  404 403   ok    ok   ok   ok  403 404  401
# The talent pool (issue #18): HR and the panel of the unit's subtree; the authority and
# inspectors see the unit but not its pool (403).
GET    /api/units/{id}/talent-pool/                   own      403 403  403 404   ok    403  403  ok  404 403  401
GET    /api/units/{id}/talent-pool/                   foreign  404 404  404 403   ok    403  403  ok  403 404  401
GET    /api/units/{id}/talent-pool/xlsx/              own      403 403  403 404   ok    403  403  ok  404 403  401
GET    /api/units/{id}/talent-pool/xlsx/              foreign  404 404  404 403   ok    403  403  ok  403 404  401
GET    /api/units/{id}/talent-pool/csv/               own      403 403  403 404   ok    403  403  ok  404 403  401
GET    /api/units/{id}/talent-pool/csv/               foreign  404 404  404 403   ok    403  403  ok  403 404  401
POST   /api/units/{id}/predicate/                     own      403 403  403 404   403   ok   403  403 404 403  401
POST   /api/units/{id}/predicate/                     foreign  404 404  404 403   403   ok   403  403 403 404  401
POST   /api/units/{id}/curve-override/                own      403 403  403 404   403   ok   403  403 404 403  401
POST   /api/units/{id}/curve-override/                foreign  404 404  404 403   403   ok   403  403 403 404  401
# Appeal decisions that broke the curve: read as the calibration, acknowledged by the authority.
GET    /api/units/{id}/curve-flags/                   own      403 403  403 404   ok    ok   ok   ok  404 403  401
GET    /api/units/{id}/curve-flags/                   foreign  404 404  404 403   ok    ok   ok   ok  403 404  401
POST   /api/units/{id}/curve-flags/{flag}/acknowledge/ own     403 403  403 404   403   ok   403  403 404 403  401
POST   /api/units/{id}/curve-flags/{flag}/acknowledge/ foreign 404 404  404 403   403   ok   403  403 403 404  401
# Organisation changes: HR admins; an employee seen in the directory is 403.
POST   /api/employees/{id}/supervisor/                own      403 403  403 404   403   403  403  ok  404 404  401
POST   /api/employees/{id}/supervisor/                foreign  404 404  403 403   403   403  403  ok  403 404  401
POST   /api/employees/{id}/transfer/                  own      403 403  403 404   403   403  403  ok  404 404  401
POST   /api/employees/{id}/transfer/                  foreign  404 404  403 403   403   403  403  ok  403 404  401
POST   /api/employees/{id}/leave/                     own      403 403  403 404   403   403  403  ok  404 404  401
POST   /api/employees/{id}/leave/                     foreign  404 404  403 403   403   403  403  ok  403 404  401
# Acting officials (Plt/Plh): HR admins only; who holds no HR scope is 403 before anything is
# read, an appointment outside one's HR scope (another instansi) is 404.
GET    /api/acting-assignments/                       -        403 403  403 403   403   403  403  ok  403 403  401
POST   /api/acting-assignments/                       -        403 403  403 403   403   403  403  ok  403 403  401
GET    /api/acting-assignments/{id}/                  own      403 403  403 403   403   403  403  ok  403 403  401
GET    /api/acting-assignments/{id}/                  foreign  403 403  403 403   403   403  403  404 403 403  401
POST   /api/acting-assignments/{id}/end/              own      403 403  403 403   403   403  403  ok  403 403  401
POST   /api/acting-assignments/{id}/end/              foreign  403 403  403 403   403   403  403  404 403 403  401
# Handovers between appraisers: those over the appraisal read them, not the employee; the
# note is the previous appraiser's alone (nobody here handed an appraisal over: 403 if seen).
GET    /api/appraisals/{id}/handovers/                own      403 ok   ok  404   ok    ok   ok   ok  404 404  401
GET    /api/appraisals/{id}/handovers/                foreign  404 404  ok  ok    ok    ok   ok   ok  403 404  401
# Follow-ups (issue #18): whoever sees the appraisal.
GET    /api/appraisals/{id}/decisions/                own      ok  ok   ok  404   ok    ok   ok   ok  404 404  401
GET    /api/appraisals/{id}/decisions/                foreign  404 404  ok  ok    ok    ok   ok   ok  ok  404  401
POST   /api/appraisals/{id}/handover-note/            own      403 403  403 404   403   403  403  403 404 404  401
POST   /api/appraisals/{id}/handover-note/            foreign  404 404  403 403   403   403  403  403 403 404  401
# Audit: inspectors only, read only.
GET    /api/audit/events/                             -        403 403  403 403   403   403  ok   403 403 403  401
GET    /api/audit/verify/                             -        403 403  403 403   403   403  ok   403 403 403  401
GET    /api/audit/checkpoints/                        -        403 403  403 403   403   403  ok   403 403 403  401
GET    /api/audit/checkpoints/export/                 -        403 403  403 403   403   403  ok   403 403 403  401
GET    /api/audit/reads/                              -        403 403  403 403   403   403  ok   403 403 403  401
GET    /api/audit/bundle/                             -        403 403  403 403   403   403  ok   403 403 403  401
# The inbox is the caller's own: someone else's notification is 404.
GET    /api/notifications/                            -        ok  ok   ok  ok    ok    ok   ok   ok  ok  ok   401
GET    /api/notifications/unread-count/               -        ok  ok   ok  ok    ok    ok   ok   ok  ok  ok   401
GET    /api/notifications/waiting/                    -        ok  ok   ok  ok    ok    ok   ok   ok  ok  ok   401
POST   /api/notifications/read-all/                   -        ok  ok   ok  ok    ok    ok   ok   ok  ok  ok   401
POST   /api/notifications/{id}/read/                  own      ok  ok   ok  ok    ok    ok   ok   ok  ok  ok   401
POST   /api/notifications/{id}/read/                  foreign  404 404  404 404   404   404  404  404 404 404  401
GET    /api/notifications/preferences/                -        ok  ok   ok  ok    ok    ok   ok   ok  ok  ok   401
PATCH  /api/notifications/preferences/                -        ok  ok   ok  ok    ok    ok   ok   ok  ok  ok   401
# The test-only toy lifecycle (tests/toyflow), served from its table alone: its owner
# (employee / outsider) submits, its reviewer (appraiser / other_appraiser) sees it; nobody else.
POST   /api/toys/{id}/transitions/{name}/             own      ok  403  404 404   404   404  404  404 404 404  401
POST   /api/toys/{id}/transitions/{name}/             foreign  404 404  404 403   404   404  404  404 ok  404  401
GET    /api/toys/{id}/history/                        own      ok  ok   404 404   404   404  404  404 404 404  401
GET    /api/toys/{id}/history/                        foreign  404 404  404 ok    404   404  404  404 ok  404  401
GET    /api/workflows/                                -        ok  ok   ok  ok    ok    ok   ok   ok  ok  ok   401
GET    /api/workflows/{name}/diagram/                 -        ok  ok   ok  ok    ok    ok   ok   ok  ok  ok   401
# Public; building the schema takes a second, so only the anonymous caller tries them.
GET    /api/schema/                                   -        --  --   --  --    --    --   --   --  --  --   ok
GET    /api/docs/                                     -        --  --   --  --    --    --   --   --  --  --   ok
"""

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
# The instansi (through a cycle) is named in the body: an HR admin of another instansi
# can only be told 403 once the body says which one.
NAMED_IN_BODY = {
    ("POST", "/api/cycles/"),
    ("POST", "/api/surveys/import/"),
    ("POST", "/api/agency-days/"),
}
# Writes on the caller's own session and inbox: not anybody's records, so open to inspectors;
# and the document verification, a read that takes the PDF in its body.
PERSONAL = ("/api/auth/", "/api/notifications/", "/api/documents/verify/")
# Routes in the resolver that are not the API's own operations (the schema leaves them out).
NOT_IN_SCHEMA = {("GET", "/api/schema/"), ("GET", "/api/docs/")}


def _parse(table: str) -> dict:
    cells: dict = {}
    for line in table.strip().splitlines():
        if line.startswith("#"):
            continue
        method, path, which, *codes = line.split()
        assert len(codes) == len(PERSONAS), line
        for persona, code in zip(PERSONAS, codes, strict=True):
            key = (method, path, which, persona)
            assert key not in cells, f"duplicate row: {line}"
            cells[key] = code
    return cells


CELLS = _parse(TABLE)
OPERATIONS = sorted({(m, p) for m, p, _w, _p in CELLS})


def _route(pattern: str) -> str:
    """Django's route to the schema's spelling: <int:pk> -> {id}, <str:name> -> {name}."""
    path = re.sub(r"<(?:\w+:)?pk>", "{id}", pattern)
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path)


def _resolver_operations() -> set:
    found = set()

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                if not route.startswith("api/"):
                    continue
                view = getattr(p.callback, "view_class", None) or getattr(p.callback, "cls", None)
                for method in ("get", "post", "put", "patch", "delete"):
                    if view is not None and hasattr(view, method):
                        found.add((method.upper(), _route(route)))

    walk(get_resolver().url_patterns)
    return found


def test_table_covers_every_route():
    """A new endpoint or method fails here until its rows are written."""
    assert _resolver_operations() == set(OPERATIONS)


def test_table_covers_every_schema_operation():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    documented = {
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }
    assert documented == set(OPERATIONS) - NOT_IN_SCHEMA


def test_every_object_endpoint_has_both_sides():
    for method, path in OPERATIONS:
        sides = {w for m, p, w, _ in CELLS if (m, p) == (method, path)}
        assert sides in ({"-"}, {"own", "foreign"}), (method, path, sides)


def _allowed(method: str, status: int) -> bool:
    if method in WRITES:
        return 200 <= status < 300 or status in (400, 409, 412)
    return 200 <= status < 300


def _snapshot() -> tuple:
    """What a refused write must leave alone: audit events, history rows, appraisals."""
    historical = [m for m in apps.get_models() if m.__name__.startswith("Historical")]
    return (
        AuditEvent.objects.count(),
        tuple(m._base_manager.count() for m in historical),
        tuple(Appraisal.objects.order_by("pk").values_list("pk", "version", "state")),
    )


class _Rollback(Exception):
    pass


def _client(org, persona: str) -> APIClient:
    client = APIClient()
    if persona != "anonymous":
        user = org.users[persona]
        forget_profile(user)
        client.force_authenticate(user)
    return client


def _call(client, world, method, path, which, persona, *, empty_body=False):
    url = url_for(world, path, which, persona)
    body, fmt = body_for(world, method, path, which, persona)
    if empty_body:
        body, fmt = {}, "json"
    return (
        getattr(client, method.lower())(url, body, format=fmt)
        if body is not None
        else (getattr(client, method.lower())(url))
    )


@pytest.mark.matrix
@pytest.mark.parametrize("persona", PERSONAS)
def test_access_matrix(persona, org):
    """0 mismatches: each cell answered as the table says, refusals changing nothing."""
    world = build_world(org)
    client = _client(org, persona)
    mismatches, tried = [], 0
    for (method, path, which, who), expected in CELLS.items():
        if who != persona or expected == "--":
            continue
        tried += 1
        side = "own" if which == "-" else which
        before = _snapshot() if method in WRITES else None
        try:
            with transaction.atomic():
                r = _call(client, world, method, path, side, persona)
                after = _snapshot() if method in WRITES else None
                raise _Rollback
        except _Rollback:
            pass
        ok = _allowed(method, r.status_code)
        if (expected == "ok" and not ok) or (expected != "ok" and r.status_code != int(expected)):
            mismatches.append((method, path, which, r.status_code, expected))
        elif expected != "ok" and method in WRITES and after != before:
            mismatches.append((method, path, which, "changed data", expected))
        elif (
            persona == "inspector"
            and method in WRITES
            and not path.startswith(PERSONAL)
            and (ok or after != before)
        ):
            mismatches.append((method, path, which, "inspector wrote", r.status_code))
    assert tried > 0
    assert mismatches == [], "\n".join(map(str, mismatches))


@pytest.mark.matrix
@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_refusals_do_not_depend_on_the_body(persona, org):
    """Who may write is decided before what was written: `{}` is refused the same way."""
    world = build_world(org)
    client = _client(org, persona)
    mismatches = []
    for (method, path, which, who), expected in CELLS.items():
        if who != persona or method not in WRITES or expected in ("ok", "--"):
            continue
        if persona == "hr_admin" and (method, path) in NAMED_IN_BODY:
            continue
        side = "own" if which == "-" else which
        try:
            with transaction.atomic():
                r = _call(client, world, method, path, side, persona, empty_body=True)
                raise _Rollback
        except _Rollback:
            pass
        if r.status_code != int(expected):
            mismatches.append((method, path, which, r.status_code, expected))
    assert mismatches == [], "\n".join(map(str, mismatches))


# --- HR scoped to one unit: both ends of every write (issue #13, item 7) -----------------
#
# An HR admin over Dinas Pendidikan only. The employee in the URL outside the scope is
# 404 (an object one may not see); an id in the body outside the scope is a 400 problem
# on its field, worded as for an id that does not exist (it says nothing of the other
# unit). "ok" here is 204. `unit`/`position`/`supervisor` name the side they come from.
SCOPED_HR = """
supervisor  employee=own      supervisor=own      -> ok
supervisor  employee=own      supervisor=foreign  -> 400 supervisor
supervisor  employee=foreign  supervisor=own      -> 404
transfer    employee=own      unit=own_sub supervisor=own  position=own_sub  -> ok
transfer    employee=own      unit=foreign supervisor=own                     -> 400 unit
transfer    employee=own      unit=own_sub supervisor=foreign                 -> 400 supervisor
transfer    employee=own      unit=own_sub supervisor=own  position=foreign   -> 400 position
transfer    employee=own      unit=own_sub supervisor=own  position=own       -> 400 position
transfer    employee=foreign  unit=own_sub supervisor=own                     -> 404
leave       employee=own                                                      -> ok
leave       employee=foreign                                                  -> 404
"""


def _scoped_world(org):
    from ..factories import PositionFactory, UserFactory, assign_role, make_unit

    user = UserFactory(username="hr_disdik")
    assign_role(user, "hr_admin", org.dinas)
    sub = make_unit("DISDIK-SD", "Bidang SD", "sub_unit", org.dinas)
    refs = {
        "employee": {"own": org.employee, "foreign": org.outsider},
        "supervisor": {"own": org.head, "foreign": org.other_appraiser},
        "unit": {"own_sub": sub, "foreign": org.other_dinas},
        "position": {
            "own_sub": PositionFactory(unit=sub, name="Guru"),
            "own": PositionFactory(unit=org.dinas, name="Sekretaris"),
            "foreign": PositionFactory(unit=org.other_dinas, name="Perawat"),
        },
    }
    return user, refs


@pytest.mark.parametrize("line", [x for x in SCOPED_HR.strip().splitlines() if x.strip()])
def test_hr_scoped_to_a_unit_acts_only_inside_it_at_both_ends(line, org):
    import datetime as dt

    from django.utils import timezone

    user, refs = _scoped_world(org)
    action, *rest = line.split()
    arrow = rest.index("->")
    given = dict(x.split("=") for x in rest[:arrow])
    expected, *field = rest[arrow + 1 :]
    employee = refs["employee"][given.pop("employee")]
    body = {"effective": (timezone.localdate() - dt.timedelta(days=1)).isoformat()}
    body |= {name: refs[name][side].pk for name, side in given.items()}
    if action == "leave":
        body["kind"] = "retired"
    client = APIClient()
    client.force_authenticate(user)
    before = _snapshot()
    r = client.post(f"/api/employees/{employee.pk}/{action}/", body, format="json")
    if expected == "ok":
        assert r.status_code == 204, r.content
        return
    assert r.status_code == int(expected), r.content
    assert _snapshot() == before
    if field:
        problems = r.json()["problems"]
        assert [p["field"] for p in problems] == field, problems
        if given.get(field[0]) == "foreign":
            # Worded as for an id that does not exist: it says nothing of the other unit.
            pk = body[field[0]]
            missing = dict(body, **{field[0]: 2**31 - 1})
            r2 = client.post(f"/api/employees/{employee.pk}/{action}/", missing, format="json")
            assert r2.status_code == 400
            assert _worded(problems, pk) == _worded(r2.json()["problems"], 2**31 - 1)


def _worded(problems: list, pk: int) -> list:
    return [(p["code"], p["field"], str(p["messages"]).replace(str(pk), "<id>")) for p in problems]


def test_import_refuses_a_supervisor_outside_the_admin_s_scope(org):
    """A row of one's own unit naming a supervisor of another unit is a row problem."""
    from appraisals.imports import organisation_import, source_from_bytes

    from ..factories import UserFactory, assign_role

    user = UserFactory(username="hr_disdik")
    assign_role(user, "hr_admin", org.dinas)
    csv = (
        "NIP,Nama,Kode Unit,Nama Unit,Kode Unit Induk,NIP Atasan\n"
        f"{org.employee.nip},{org.employee.name},DISDIK-SD,Bidang SD,DISDIK,"
        f"{org.other_appraiser.nip}\n"
    )
    report = organisation_import(
        rows_source=source_from_bytes(data=csv.encode(), name="p.csv"),
        actor=user,
        commit=True,
        effective_date=org.cycle.starts_on,
    )
    assert not report.ok
    assert [(e.code, e.column) for e in report.errors] == [("supervisor_unknown", "NIP Atasan")]
    from appraisals.services.organisation import supervisor_resolve

    assert supervisor_resolve(employee=org.employee, on=org.cycle.starts_on) == org.appraiser
