"""The broadcaster internal Parley borrows, for the one version it supports.

`Unsubscribed` is what a subscriber's `get()` raises once the broadcast has
disconnected: the end of the stream. broadcaster 0.3.1 defines it in its private
`_base` module and does not export it; the bus catches it to stop listening quietly.
(`BroadcastBackend`, the base of our Redis backend, is exported publicly.)

tests/test_library_internals.py names it.
"""

from __future__ import annotations

from importlib.metadata import version

from broadcaster._base import Unsubscribed

SUPPORTED = "0.3.1"
INSTALLED = version("broadcaster")
if INSTALLED != SUPPORTED:
    raise ImportError(
        f"parley.compat.broadcaster supports broadcaster {SUPPORTED}, but {INSTALLED} is "
        f"installed. Install the locked version (make .venv/.installed-stamp), or run "
        f"`make upgrade` and check every name in tests/test_library_internals.py, then "
        f"update SUPPORTED here."
    )

__all__ = ["Unsubscribed"]
