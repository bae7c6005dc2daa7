"""A small bounded cache of computed responses (the posture per day, for replay), keyed on the ledger's
change stamp so that a write by this server or by another process is never answered from stale data."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable


class ResponseCache:
    def __init__(self, size: int = 512):
        self._size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get_or_compute(self, stamp: Hashable, key: Hashable, compute: Callable[[], object]) -> object:
        """The cached value for `key` computed while the ledger's change stamp was `stamp`, or compute it."""
        full = (stamp, key)
        with self._lock:
            if full in self._items:
                self._items.move_to_end(full)
                return self._items[full]
        value = compute()
        with self._lock:
            self._items[full] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
