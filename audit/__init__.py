"""Append-only, tamper-evident history. Imports nothing from the domain."""
