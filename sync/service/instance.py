"""One service per state database: a second `serve` on it is refused, naming the first.

The lock is the operating system's own file lock, taken through filelock (flock on Linux and
macOS, msvcrt.locking on Windows, as for the workbook folders), so it ends with the process
that held it, even one killed or powered off; who holds it (process id and address) is
written beside it."""

from __future__ import annotations

import json
import os
from pathlib import Path

from filelock import FileLock, Timeout


class AlreadyServing(Exception):
    """Another service uses this state database; `address` is its page, when known."""

    def __init__(self, message: str, address: str | None = None):
        super().__init__(message)
        self.address = address


class ServiceLock:
    def __init__(self, state_db: Path):
        # Not per thread: the service's threads all hold it through this one object.
        self.lock = FileLock(str(state_db) + ".lock", timeout=0, thread_local=False)
        self.owner = Path(str(state_db) + ".owner")

    def claim(self, address: str) -> None:
        self.owner.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.lock.acquire()
        except Timeout:
            try:
                first = json.loads(self.owner.read_text(encoding="utf-8"))
                who, address = f"进程 {first.get('pid')}，地址 {first.get('address')}", first.get("address")
            except (OSError, ValueError):
                who, address = "另一个进程", None
            raise AlreadyServing(f"状态数据库 {self.owner.with_suffix('')} 已被占用：另一个 Houqin 服务（{who}）正在使用它。"
                                 f"Houqin 已经在运行，请在浏览器打开它的状态页；同一个数据库只能有一个服务，"
                                 f"要再开一个，请另用一个配置文件和 [sync] state_db", address) from None
        self.owner.write_text(json.dumps({"pid": os.getpid(), "address": address}, ensure_ascii=False), encoding="utf-8")

    def release(self) -> None:
        if self.lock.is_locked:
            self.owner.unlink(missing_ok=True)
            self.lock.release()
