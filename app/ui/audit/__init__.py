"""Audit review: verifying and exporting the access log."""
