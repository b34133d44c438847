"""A preallocated ring buffer that hands out contiguous views for plotting."""

from __future__ import annotations

import numpy as np


class RingBuffer:
    """Fixed-capacity FIFO of float64 rows that never reallocates.

    Storage is twice the capacity: each value is written at ``i`` and ``i + capacity``, so the
    newest ``capacity`` values are always one contiguous slice and :meth:`view` copies nothing.

    Parameters
    ----------
    capacity : int
        Number of rows kept.
    width : int
        Number of columns per row (1 for a plain series).
    """

    def __init__(self, capacity: int, width: int = 1) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self.width = width
        self._data = np.zeros((2 * capacity, width), dtype=np.float64)
        self._next = 0
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def append(self, row) -> None:
        """Add one row (a scalar when ``width == 1``)."""
        self._data[self._next] = row
        self._data[self._next + self.capacity] = row
        self._next = (self._next + 1) % self.capacity
        self._count = min(self._count + 1, self.capacity)

    def extend(self, rows) -> None:
        """Add many rows at once (two slice assignments, not a loop: a seek in review refills
        thousands of rows within its budget)."""
        rows = np.asarray(rows, dtype=np.float64).reshape(-1, self.width)
        cap = self.capacity
        if len(rows) >= cap:
            rows = rows[-cap:]
        n = len(rows)
        if not n:
            return
        where = (self._next + np.arange(n)) % cap
        self._data[where] = rows
        self._data[where + cap] = rows
        self._next = (self._next + n) % cap
        self._count = min(self._count + n, cap)

    def view(self) -> np.ndarray:
        """The stored rows, oldest first, as a read-only view of shape ``(len, width)``."""
        start = (self._next - self._count) % self.capacity
        out = self._data[start : start + self._count]
        out = out.view()
        out.flags.writeable = False
        return out

    def clear(self) -> None:
        self._next = 0
        self._count = 0
