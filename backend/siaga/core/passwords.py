"""Password checks off the event loop, a bounded number at once.

An Argon2 check costs about 0.1 s of CPU. Run on the event loop, sixty wrong passwords
stopped every other request for seconds; queued without bound, they would only move the
wait. So checks run in a pool of their own, and a sign-in that finds every slot taken is
refused at once (429): the caller retries, and everyone else is served meanwhile.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from siaga.core.security import hash_password, verify_password


class PasswordCheckerBusy(Exception):
    """Every password-check slot of this process is taken."""


class PasswordChecker:
    def __init__(self, concurrency: int) -> None:
        self.concurrency = concurrency
        self._in_use = 0
        self._executor: ThreadPoolExecutor | None = None

    @property
    def in_use(self) -> int:
        return self._in_use

    def slot(self) -> _Slot:
        """Take a slot now or raise PasswordCheckerBusy; never waits."""
        # No await between the test and the increment: the event loop runs one
        # coroutine at a time, so this is atomic within the process.
        if self._in_use >= self.concurrency:
            raise PasswordCheckerBusy()
        self._in_use += 1
        return _Slot(self)

    def _threads(self) -> ThreadPoolExecutor:
        # Its own threads: the checks never take the threads that serve file responses
        # and synchronous dependencies. Made on first use, and again after close(), since
        # an application may be started and stopped more than once (tests do).
        if self._executor is None:
            self._executor = ThreadPoolExecutor(self.concurrency, thread_name_prefix="password")
        return self._executor

    async def verify(self, password: str, password_hash: str) -> bool:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._threads(), verify_password, password, password_hash)

    async def hash(self, password: str) -> str:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._threads(), hash_password, password)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None


class _Slot:
    def __init__(self, checker: PasswordChecker) -> None:
        self._checker = checker

    def __enter__(self) -> _Slot:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._checker._in_use -= 1
