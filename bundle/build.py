"""Build the offline Windows bundle: dist/houqin-VERSION-win64.zip.

Inside: the Houqin wheel and every runtime dependency as a wheel for Windows x64 and each
supported CPython, `install.bat` (a venv, then `pip install --no-index --find-links wheels`),
`启动Houqin.bat`, `安装说明.txt` and `houqin.example.toml`. Building needs PyPI; installing does not.

pip evaluates environment markers for the machine it runs on, even with `--platform`: a
dependency needed only on Windows (colorama for click, tzdata for zoneinfo) would silently be
left out. So after pip's download the wheels' own requirements are walked again with Windows'
marker values, and whatever is missing is fetched too. A dependency published only as a sdist is built
into wheels on this machine first and offered to pip through --find-links. Every wheel fetched
is kept in build/bundle/cache/ (ignored by git): a rebuild resolves from it without the network
and only goes to PyPI for what it lacks (`make clean` empties it).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

ROOT = Path(__file__).resolve().parent.parent
FILES = Path(__file__).resolve().parent / "files"
PACKAGES = ("rules", "sync", "webapp")
# python.org offers the newest first; an office PC may also have an older one already.
PYTHONS = ("3.11", "3.12", "3.13", "3.14")
# cmd.exe reads a .bat file in the console's code page: GBK on a Chinese Windows.
BAT_ENCODING = "gbk"


def version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def pip(*args: str, check: bool = True) -> bool:
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", *args]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0 and check:
        raise SystemExit(f"pip failed ({done.returncode}): {' '.join(command)}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done.returncode == 0


def offline_first(command: list[str], cache: Path, out: Path, shared: Path | None = None) -> None:
    """Run a pip command into `out` from the cache alone (plus the `shared` one, read only); when
    they lack something, fill `cache` from PyPI and try again. A rebuild needs no network."""
    into = "--dest" if command[0] == "download" else "--wheel-dir"
    links = [arg for folder in (cache, shared) if folder for arg in ("--find-links", str(folder))]
    if pip(*command, "--no-index", *links, into, str(out), check=False):
        return
    pip(*command, *links, into, str(cache))
    for stale in cache.glob("houqin-*.whl"):  # Houqin itself always comes fresh from build_wheel
        stale.unlink()
    pip(*command, "--no-index", *links, into, str(out))


def build_wheel(out: Path) -> Path:
    """The Houqin wheel, built from a clean copy of the sources (no stale build/ or caches)."""
    with tempfile.TemporaryDirectory(prefix="houqin-src-") as tmp:
        source = Path(tmp)
        for name in ("pyproject.toml", "README.md", "requirements.txt"):
            shutil.copy2(ROOT / name, source / name)
        for package in PACKAGES:
            shutil.copytree(ROOT / package, source / package,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"))
        pip("wheel", "--no-deps", "--wheel-dir", str(out), str(source))
    return next(out.glob(f"houqin-{version()}-*.whl"))


def host_wheels(houqin: Path, cache: Path, out: Path) -> None:
    """Every dependency as a wheel for this machine; sdists are built here (the Linux install,
    and the pure-Python ones, kept in the cache, offered to the Windows download)."""
    offline_first(["wheel", str(houqin)], cache, out)


def windows_environment(python: str) -> dict[str, str]:
    environment = default_environment()
    environment.update(sys_platform="win32", platform_system="Windows", os_name="nt",
                       platform_machine="AMD64", implementation_name="cpython",
                       platform_python_implementation="CPython", python_version=python,
                       python_full_version=f"{python}.0")
    return environment


def wheel_requirements(wheel: Path) -> list[Requirement]:
    with zipfile.ZipFile(wheel) as archive:
        metadata = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        text = archive.read(metadata).decode("utf-8")
    return [Requirement(line.split(":", 1)[1].strip()) for line in text.splitlines() if line.startswith("Requires-Dist:")]


def wheel_fits(wheel: Path, python: str) -> bool:
    """Whether a wheel installs on Windows x64 under CPython `python`."""
    _, _, _, tags = parse_wheel_filename(wheel.name)
    nodot = python.replace(".", "")
    for tag in tags:
        platform_ok = tag.platform in ("any", "win_amd64")
        interpreter_ok = tag.interpreter in ("py3", f"cp{nodot}") or (
            tag.interpreter.startswith("cp3") and tag.abi == "abi3" and int(tag.interpreter[3:]) <= int(nodot[1:]))
        if platform_ok and interpreter_ok:
            return True
    return False


def missing_for_windows(folder: Path, python: str) -> list[Requirement]:
    """Requirements of the wheels in `folder` that Windows needs and no wheel there satisfies."""
    environment = windows_environment(python)
    available: dict[str, list[str]] = {}
    wheels = [w for w in folder.glob("*.whl") if wheel_fits(w, python)]
    for wheel in wheels:
        name, found, _, _ = parse_wheel_filename(wheel.name)
        available.setdefault(name, []).append(str(found))
    missing = []
    for wheel in wheels:
        for requirement in wheel_requirements(wheel):
            if requirement.marker and not requirement.marker.evaluate({**environment, "extra": ""}):
                continue
            versions = available.get(canonicalize_name(requirement.name), [])
            if not any(requirement.specifier.contains(v, prereleases=True) for v in versions):
                missing.append(requirement)
    return missing


def unmarked(requirement: Requirement) -> str:
    extras = f"[{','.join(sorted(requirement.extras))}]" if requirement.extras else ""
    return f"{requirement.name}{extras}{requirement.specifier}"


def windows_wheels(houqin: Path, cache: Path, shared: Path, out: Path, python: str) -> None:
    """One Python version's wheels into `out`, its downloads kept in its own `cache` (so that the
    versions can be fetched side by side), the pure wheels built here read from `shared`."""
    target = ["download", "--only-binary=:all:", "--platform", "win_amd64", "--python-version", python,
              "--implementation", "cp"]
    offline_first([*target, str(houqin)], cache, out, shared)
    for _ in range(10):  # Windows-only requirements may bring their own
        missing = missing_for_windows(out, python)
        if not missing:
            return
        # Without the marker: pip would judge it by this machine and skip it again.
        offline_first([*target, *sorted({unmarked(r) for r in missing})], cache, out, shared)
    raise SystemExit(f"Windows requirements still missing for Python {python}: {missing_for_windows(out, python)}")


def text_file(name: str, values: dict[str, str]) -> str:
    text = (FILES / name).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(f"@{key}@", value)
    left = re.search(r"@[A-Z_]+@", text)
    if left:
        raise SystemExit(f"unfilled placeholder {left[0]} in {name}")
    return text.replace("\r\n", "\n").replace("\n", "\r\n")  # Windows line ends: Notepad, cmd.exe


def build(dist: Path, work: Path) -> Path:
    """The bundle's zip in `dist`; `work` holds the intermediate wheels (host and Windows)."""
    release = version()
    for sub in ("houqin", "host", "windows", *(f"windows-{p}" for p in PYTHONS)):  # this build's only
        shutil.rmtree(work / sub, ignore_errors=True)
    cache = work / "cache"
    for folder in (cache, *(cache / f"win-{p}" for p in PYTHONS)):
        folder.mkdir(parents=True, exist_ok=True)
    houqin = build_wheel(work / "houqin")
    host_wheels(houqin, cache, work / "host")
    # Fetching is mostly waiting on PyPI: the Python versions side by side.
    with ThreadPoolExecutor(len(PYTHONS)) as pool:
        list(pool.map(lambda p: windows_wheels(houqin, cache / f"win-{p}", cache, work / f"windows-{p}", p), PYTHONS))
    (work / "windows").mkdir()
    for python in PYTHONS:
        for wheel in (work / f"windows-{python}").glob("*.whl"):
            shutil.copy2(wheel, work / "windows" / wheel.name)

    values = {"VERSION": release, "PYTHONS": " ".join(reversed(PYTHONS)), "PYTHONS_TEXT": "、".join(PYTHONS),
              "PYTHON_TUPLES": ", ".join(f"({p.replace('.', ', ')})" for p in PYTHONS)}
    top = f"houqin-{release}-win64"
    dist.mkdir(parents=True, exist_ok=True)
    target = dist / f"{top}.zip"
    temporary = target.with_suffix(".zip.tmp")
    with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
        for wheel in sorted((work / "windows").glob("*.whl")):
            archive.write(wheel, f"{top}/wheels/{wheel.name}")
        for name in ("install.bat", "启动Houqin.bat"):
            archive.writestr(f"{top}/{name}", text_file(name, values).encode(BAT_ENCODING))
        archive.writestr(f"{top}/安装说明.txt", "\ufeff" + text_file("安装说明.txt", values))
        archive.writestr(f"{top}/houqin.example.toml", (ROOT / "houqin.example.toml").read_text(encoding="utf-8"))
    temporary.replace(target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bundle", description=__doc__.splitlines()[0])
    parser.add_argument("--dist", default=str(ROOT / "dist"), help="where the zip goes (default dist/)")
    parser.add_argument("--work", default=str(ROOT / "build" / "bundle"), help="intermediate wheels")
    args = parser.parse_args(argv)
    target = build(Path(args.dist), Path(args.work))
    with zipfile.ZipFile(target) as archive:
        wheels = [n for n in archive.namelist() if n.endswith(".whl")]
    print(f"{target}: {len(wheels)} wheels, {target.stat().st_size / 1e6:.1f} MB")
    return 0
