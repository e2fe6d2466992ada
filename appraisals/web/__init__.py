"""The web UI: server-rendered pages over the same policy and services as the API.

Indonesian first (msgids in English, the `id` catalogue is the default);
htmx for the few live parts. Views stay thin: read through selectors, change
through services or the engine, and show a WorkflowError beside its field.
"""
