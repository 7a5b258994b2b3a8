"""Aggregate read queries: every figure of the digest, the dashboard and the export.

Reached as `uow.queries` (storage/queries/repository.py). Handlers and web views render what
it returns and build no SQL themselves.
"""
