"""The generic state-machine engine.

Knows nothing of appraisals: a domain declares its lifecycle as a
`Workflow` table, registers it, and fires transitions with
`workflow.services.perform`. Imports run appraisals -> workflow -> audit.
"""
