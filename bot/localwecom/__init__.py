"""A local WeCom server (smart bot long connection + group robot webhook) for tests and the
sandbox; see server.py."""

from .server import LocalWeCom, Posted

__all__ = ["LocalWeCom", "Posted"]
