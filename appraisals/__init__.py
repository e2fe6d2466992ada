"""The domain: organisation, cycles, appraisals and their lifecycle."""
