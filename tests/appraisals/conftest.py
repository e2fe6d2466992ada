"""Fixtures shared by the check-in and evidence tests."""

from .checking import check_in, running  # noqa: F401
