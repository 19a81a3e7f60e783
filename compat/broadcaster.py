"""The broadcaster internal Parley borrows, for the one version it supports.

`Unsubscribed` is what a subscriber's `get()` raises once the broadcast has
disconnected: the end of the stream. broadcaster 0.3.1 defines it in its private
`_base` module and does not export it; the bus catches it to stop listening quietly.
(`BroadcastBackend`, the base of our Redis backend, is exported publicly.)

tests/test_library_internals.py names it.
"""

from __future__ import annotations

from broadcaster._base import Unsubscribed

from parley.compat.versions import require_installed

require_installed("broadcaster", "0.3.1", __name__)

__all__ = ["Unsubscribed"]
