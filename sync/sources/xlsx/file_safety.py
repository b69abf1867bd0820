"""Keeping staff files safe while Houqin writes: lock files, fingerprints, backups, replace.

A workbook open in Excel/WPS has an owner file `~$name.xlsx` beside it (Excel drops the first
two characters of long names: `~$dget2026.xlsx` for `Budget2026.xlsx`); LibreOffice has
`.~lock.name.xlsx#`. Either means "someone is editing": Houqin does not write, and says who.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

BACKUP_DIR = ".houqin-backups"
# A version set aside because staff saved mid-swap is kept even past the usual count.
STALE_BACKUP_LIMIT = 100
# An owner file this old most likely survived a crash; it is still respected, but said so.
STALE_AFTER_SECONDS = 12 * 3600


@dataclass(frozen=True)
class FileFingerprint:
    """What a file was when read; a write goes ahead only if it still is."""

    size: int
    mtime_ns: int
    sha256: str


def fingerprint_bytes(data: bytes, stat: os.stat_result) -> FileFingerprint:
    return FileFingerprint(stat.st_size, stat.st_mtime_ns, hashlib.sha256(data).hexdigest())


def fingerprint(path: Path) -> FileFingerprint:
    stat = path.stat()
    return fingerprint_bytes(path.read_bytes(), stat)


@dataclass(frozen=True)
class LockInfo:
    """Someone has the workbook open."""

    lock_file: Path
    owner: str
    program: str
    stale: bool

    def reason(self) -> tuple[str, str]:
        who = f"“{self.owner}”" if self.owner else "别人"
        zh = f"文件正被{who}用{self.program}打开，下次同步再写入"
        en = f"Open in {self.program} by {self.owner or 'someone'}; will write next cycle"
        if self.stale:
            age = "超过 12 小时"
            zh += f"（锁文件 {self.lock_file.name} 已存在{age}，如果没有人在编辑，可能是程序异常退出留下的，可删除它）"
            en += f" (lock file {self.lock_file.name} is over 12 hours old: maybe left by a crash)"
        return zh, en


def _decode_excel_owner(data: bytes) -> str:
    """The user name in an Excel/WPS owner file: UTF-16 at 0x36 when present, else the
    length-prefixed name in the local code page (GBK on Chinese Windows)."""
    if len(data) >= 0x38:
        length = int.from_bytes(data[0x36:0x38], "little")
        raw = data[0x38:0x38 + 2 * length]
        if 0 < length <= 64 and len(raw) == 2 * length:
            try:
                name = raw.decode("utf-16-le").strip("\x00 ")
                if name and name.isprintable():
                    return name
            except UnicodeDecodeError:
                pass
    if data:
        length = data[0]
        raw = data[1:1 + length]
        for encoding in ("utf-8", "gbk", "latin-1"):
            try:
                name = raw.decode(encoding).strip("\x00 ")
                if name.isprintable():
                    return name
            except UnicodeDecodeError:
                continue
    return ""


def _decode_libreoffice_owner(data: bytes) -> str:
    """`.~lock.name#` holds `Full Name,host,user,date,profile;`: the full name, else the user."""
    text = data.decode("utf-8", "replace").strip().rstrip(";")
    fields = text.split(",")
    for candidate in (fields[0] if fields else "", fields[2] if len(fields) > 2 else ""):
        candidate = candidate.strip()
        if candidate:
            return candidate
    return ""


def find_lock(path: Path, now: float | None = None) -> LockInfo | None:
    """The lock file of a workbook that Excel, WPS or LibreOffice has open, if any."""
    now = time.time() if now is None else now
    folder, name = path.parent, path.name
    candidates: list[tuple[Path, str]] = [(folder / f".~lock.{name}#", "LibreOffice")]
    try:
        for entry in folder.iterdir():
            # Windows shares and NAS folders ignore case: `~$库存.XLSX` belongs to `库存.xlsx`.
            tail = entry.name[2:].casefold()
            if entry.name.startswith("~$") and tail and name.casefold().endswith(tail) and len(tail) >= len(name) - 2:
                candidates.append((entry, "Excel/WPS"))
    except OSError:
        return None
    for lock, program in candidates:
        try:
            data = lock.read_bytes()[:4096]
            age = now - lock.stat().st_mtime
        except (FileNotFoundError, IsADirectoryError):
            continue
        except OSError:
            data, age = b"", 0.0
        owner = _decode_libreoffice_owner(data) if program == "LibreOffice" else _decode_excel_owner(data)
        return LockInfo(lock_file=lock, owner=owner, program=program, stale=age > STALE_AFTER_SECONDS)
    return None


# Most file systems allow 255 bytes per name (NTFS 255 UTF-16 units, never fewer than UTF-8
# bytes for Chinese); Houqin's helper names add up to this much to a workbook's name.
NAME_MAX = 255
_HELPER_ROOM = 48
_STAMP = r"\d{8}-\d{6}-\d{6}"
SWAP_HOOK = "HOUQIN_TEST_SWAP_HOOK"


def short_name(name: str, room: int = _HELPER_ROOM) -> str:
    """The workbook's name, shortened (with a hash of the whole) only when a helper name built
    from it would pass the file system's limit: a 245-byte name still gets its temporary."""
    if len(name.encode("utf-8")) + room <= NAME_MAX:
        return name
    stem, dot, suffix = name.rpartition(".")
    suffix = dot + suffix if stem else ""
    stem = stem or name
    tag = "~" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
    budget = NAME_MAX - room - len((tag + suffix).encode("utf-8"))
    while len(stem.encode("utf-8")) > budget:
        stem = stem[:-1]
    return stem + tag + suffix


def note_path(path: Path) -> Path:
    """Where the full name of a workbook with a shortened helper name is written down."""
    return path.with_name(f".{short_name(path.name)}.houqin-name")


def swap_step(number: int) -> None:
    """A test-only pause or kill point in the write ("kill:N" or "pause:N:GATE"), so the
    tests can stop a real process at each step of the swap; a no-op otherwise."""
    hook = os.environ.get(SWAP_HOOK)
    if not hook:
        return
    action, _, rest = hook.partition(":")
    step, _, gate = rest.partition(":")
    if not step.isdigit() or int(step) != number:
        return
    if action == "kill":
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))
    elif action == "pause" and gate:
        Path(gate).with_suffix(".reached").write_text(str(os.getpid()), encoding="utf-8")
        while not Path(gate).exists():
            time.sleep(0.02)


def backup_name(path: Path, now: datetime | None = None) -> str:
    short = Path(short_name(path.name))
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S-%f")
    return f"{short.stem}.{stamp}{short.suffix}"


def backups_of(path: Path) -> list[Path]:
    """This workbook's backups, by exact name: 后勤.xlsx's, never 后勤.旧.xlsx's."""
    short = Path(short_name(path.name))
    pattern = re.compile(re.escape(short.stem) + r"\." + _STAMP + re.escape(short.suffix))
    folder = path.parent / BACKUP_DIR
    try:
        return sorted(p for p in folder.iterdir() if pattern.fullmatch(p.name))
    except OSError:
        return []


def store_backup(path: Path, aside: Path, keep: int, now: datetime | None = None) -> Path | None:
    """Move the replaced original (already renamed aside) into the backup folder."""
    if keep <= 0:
        aside.unlink(missing_ok=True)
        return None
    folder = path.parent / BACKUP_DIR
    folder.mkdir(exist_ok=True)
    backup = folder / backup_name(path, now)
    os.replace(aside, backup)
    swap_step(6)
    for old in backups_of(path)[:-keep]:
        with contextlib.suppress(OSError):
            old.unlink()
    return backup


class SavedMeanwhile(Exception):
    """Staff saved the workbook while Houqin was swapping it: their file stands."""


class FolderBusy(Exception):
    """Another Houqin is writing in this folder right now."""


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Only one Houqin writes or tidies a folder at a time (a second service, a `run` beside
    `serve`). The lock is the operating system's, so a killed process never leaves it held."""
    from filelock import FileLock, Timeout  # only a write takes the lock; `check` never imports it

    lock_dir = folder / BACKUP_DIR
    lock_dir.mkdir(exist_ok=True)
    lock = FileLock(lock_dir / "houqin.lock", timeout=2, thread_local=False)
    try:
        lock.acquire()
    except Timeout:
        raise FolderBusy from None
    try:
        yield
    finally:
        lock.release()


def swap_in(path: Path, temporary: Path, expected: FileFingerprint) -> Path:
    """Put `temporary` in place of `path` unless `path` is no longer what was read.

    The original is first renamed aside (atomic: a save after that creates a new file), then
    checked against `expected`, then the new file is linked into place, which fails rather
    than overwrite a save that landed meanwhile. Any failure after the rename puts the
    original back. Returns the original's aside path; the temporary stays as a second name
    of the new file until the original is in the backups, so that an interrupted cycle's
    leftovers always tell a finished swap from an unfinished one.
    """
    short = short_name(path.name)
    aside = path.with_name(f".{short}.houqin-old-{os.getpid()}-{time.monotonic_ns()}")
    if short != path.name:  # the aside's name cannot say whose it is: write that down first
        note_path(path).write_text(path.name, encoding="utf-8")
    os.rename(path, aside)
    swap_step(3)
    try:
        if not unchanged_since(aside, expected):
            _put_back(aside, path)
            raise SavedMeanwhile
        swap_step(4)
        _link_without_overwrite(temporary, path)
    except FileExistsError:
        _keep_aside(path, aside)
        raise SavedMeanwhile from None
    except SavedMeanwhile:
        raise
    except BaseException:
        _put_back(aside, path)
        raise
    swap_step(5)
    return aside


def _link_without_overwrite(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except FileExistsError:
        raise
    except OSError:
        # No hard links on this disk (FAT, some network shares): rename instead. On Windows a
        # rename never overwrites; elsewhere the target was just moved aside microseconds ago.
        if os.name == "nt":
            os.rename(source, target)
        else:
            if target.exists():
                raise FileExistsError(target) from None
            os.replace(source, target)


def _put_back(aside: Path, path: Path) -> None:
    """The original back at its name (the next cycle finishes the job if even this fails)."""
    try:
        _link_without_overwrite(aside, path)
        aside.unlink()
    except FileExistsError:
        _keep_aside(path, aside)  # an even newer save is in place; keep this one as a backup
    except OSError:
        with contextlib.suppress(OSError):
            os.rename(aside, path)


def _keep_aside(path: Path, aside: Path) -> None:
    with contextlib.suppress(OSError):
        store_backup(path, aside, keep=STALE_BACKUP_LIMIT)


def temporary_beside(path: Path) -> Path:
    """A hidden temporary name in the same folder, so the final rename stays on one disk."""
    return path.with_name(f".{short_name(path.name)}.houqin-{os.getpid()}-{time.monotonic_ns()}.tmp")


def unchanged_since(path: Path, expected: FileFingerprint) -> bool:
    """Size, modification time and content hash still what they were when read."""
    try:
        stat = path.stat()
        if stat.st_size != expected.size or stat.st_mtime_ns != expected.mtime_ns:
            return False
        return hashlib.sha256(path.read_bytes()).hexdigest() == expected.sha256
    except OSError:
        return False
