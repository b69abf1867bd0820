"""One service per state database: a second `serve` on it is refused, naming the first.

The lock is an OS file lock (filelock), so it ends with the process that held it, even one
killed or powered off; who holds it (process id and address) is written beside it."""

from __future__ import annotations

import json
import os
from pathlib import Path

from filelock import FileLock, Timeout


class AlreadyServing(Exception):
    """Another service uses this state database."""


class ServiceLock:
    def __init__(self, state_db: Path):
        self.lock = FileLock(str(state_db) + ".lock")
        self.owner = Path(str(state_db) + ".owner")

    def claim(self, address: str) -> None:
        self.owner.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.lock.acquire(timeout=0)
        except Timeout:
            try:
                first = json.loads(self.owner.read_text(encoding="utf-8"))
                who = f"进程 {first.get('pid')}，地址 {first.get('address')}"
            except (OSError, ValueError):
                who = "另一个进程"
            raise AlreadyServing(f"另一个 Houqin 服务（{who}）正在使用状态数据库 {self.owner.with_suffix('')}；"
                                 f"同一个数据库只能有一个服务，请先停止它，或另用一个配置文件和 [sync] state_db") from None
        self.owner.write_text(json.dumps({"pid": os.getpid(), "address": address}, ensure_ascii=False), encoding="utf-8")

    def release(self) -> None:
        if self.lock.is_locked:
            self.owner.unlink(missing_ok=True)
            self.lock.release()
