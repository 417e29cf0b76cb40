"""The ready queue of the bus: one FIFO per priority, and parked workers."""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Generic, TypeVar

from ._model import EventPriority

T = TypeVar("T")


class ReadyQueue(Generic[T]):
    """Highest priority first, FIFO within a priority.

    Cheaper than ``asyncio.PriorityQueue`` (no heap, no sequence numbers):
    the bus puts one item per delivery, so this is its hottest path.
    """

    def __init__(self) -> None:
        self._levels: list[deque[T]] = [deque() for _ in EventPriority]
        self._highest_first = self._levels[::-1]
        self._parked: deque[asyncio.Future[None]] = deque()
        self._size = 0
        self._waking = 0  # workers woken that have not taken an item yet

    def __len__(self) -> int:
        return self._size

    def put(self, priority: int, item: T) -> None:
        """Add an item and wake one parked worker."""
        self._levels[priority].append(item)
        self._size += 1
        if self._parked and self._waking < self._size:
            self._wake_one()

    def take(self) -> T | None:
        """The next item, or ``None`` when empty."""
        if not self._size:
            return None
        for level in self._highest_first:
            if level:
                self._size -= 1
                return level.popleft()
        return None  # unreachable: size and levels agree

    async def wait(self) -> None:
        """Park until an item is put."""
        waiter = asyncio.get_running_loop().create_future()
        self._parked.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._waking -= 1
                if self._size:
                    self._wake_one()
            raise
        self._waking -= 1

    def _wake_one(self) -> None:
        while self._parked:
            waiter = self._parked.popleft()
            if not waiter.done():
                waiter.set_result(None)
                self._waking += 1
                return
