"""The package and the offline Windows bundle, as an IT helper would install them.

The bundle is built once per session with `python -m bundle` (what `make dist` runs; it needs
PyPI the first time). Here: its Windows wheels resolve with no index, the unzipped folder is what
runs on Windows (its own Python, the wheels installed, launchers that find that Python), and the
same wheels built for this machine install into a fresh virtual environment outside the
repository, where `houqin` runs. Under Wine the zip is installed and upgraded for real:
tests/windows/test_bundle_install.py.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from bundle.build import PYTHON, missing_for_windows, version
from tests.service_helpers import free_port
from tests.support import ROOT, require

pytestmark = pytest.mark.slow

LIMIT_MB = 120
TOP = f"houqin-{version()}-win64"


def offline_pip_env(home: Path) -> dict[str, str]:
    """pip with no configuration at all: no index, no extra find-links of this machine."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON"))}
    return {**env, "PIP_CONFIG_FILE": os.devnull, "HOME": str(home), "PIP_NO_CACHE_DIR": "1"}


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> dict[str, Path]:
    dist, work = tmp_path_factory.mktemp("dist"), ROOT / "build" / "bundle-test"
    done = subprocess.run([sys.executable, "-m", "bundle", "--dist", str(dist), "--work", str(work)],
                          cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    zip_path = dist / f"{TOP}.zip"
    unpacked = tmp_path_factory.mktemp("unpacked")
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(unpacked)
    return {"zip": zip_path, "root": unpacked / TOP, "host": work / "host", "windows": work / "windows",
            "houqin": next((work / "houqin").glob("*.whl"))}


def resolve_for_windows(wheels: Path, python: str, tmp: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--no-index", "--find-links", str(wheels),
         "--only-binary=:all:", "--platform", "win_amd64", "--python-version", python, "--implementation", "cp",
         "--target", str(tmp / "target"), "--report", str(tmp / "report.json"), f"houqin=={version()}"],
        capture_output=True, text=True, timeout=300, env=offline_pip_env(tmp))


def test_the_wheel_carries_every_file_of_the_three_packages(built):
    tracked = subprocess.run(["git", "ls-files", "rules", "sync", "webapp"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.split()
    require(bool(tracked), "not a git checkout")
    with zipfile.ZipFile(built["houqin"]) as wheel:
        names = set(wheel.namelist())
        entry_points = wheel.read(f"houqin-{version()}.dist-info/entry_points.txt").decode()
    assert {name for name in tracked if (ROOT / name).is_file()} <= names
    assert "rules/pack/sheets_schema.json" in names and "webapp/templates/index.html" in names
    assert not [n for n in names if n.endswith(".pyc") or n.startswith(("tests/", "bench/", "bundle/"))]
    assert "houqin = sync.cli.entry:main" in entry_points and "houqinw = sync.cli.entry:main" in entry_points


def test_the_bundle_resolves_for_windows_with_no_index(built, tmp_path):
    wheels = built["windows"]
    done = resolve_for_windows(wheels, PYTHON, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    installed = {item["metadata"]["name"].lower() for item in report["install"]}
    assert {"houqin", "python-calamine", "flask", "waitress", "openpyxl", "platformdirs"} <= installed
    # pip judged markers by this machine; Windows-only needs (tzdata for zoneinfo) are there too.
    assert missing_for_windows(wheels, PYTHON) == []
    assert list(wheels.glob("tzdata-*.whl"))


def test_the_resolution_check_notices_a_missing_wheel(built, tmp_path):
    wheels = tmp_path / "wheels"
    shutil.copytree(built["windows"], wheels)
    for wheel in wheels.glob("python_calamine-*.whl"):
        wheel.unlink()
    assert resolve_for_windows(wheels, PYTHON, tmp_path / "resolve").returncode != 0
    for wheel in wheels.glob("tzdata-*.whl"):
        wheel.unlink()
    assert {r.name for r in missing_for_windows(wheels, PYTHON)} == {"python-calamine", "tzdata"}


def test_the_folder_carries_its_own_python_with_every_wheel_installed(built):
    root = built["root"]
    python = root / "python"
    tag = PYTHON.replace(".", "")
    assert (python / "python.exe").exists() and (python / "pythonw.exe").exists() and (python / f"python{tag}.zip").exists()
    pth = (python / f"python{tag}._pth").read_text(encoding="utf-8").splitlines()
    assert pth == [f"python{tag}.zip", ".", "Lib\\site-packages", "import site"]
    site = python / "Lib" / "site-packages"
    for wheel in built["windows"].glob("*.whl"):
        name, release = wheel.name.split("-")[:2]
        assert (site / f"{name}-{release}.dist-info").is_dir(), wheel.name
    assert (site / "sync" / "cli" / "entry.py").exists() and (site / "rules" / "pack" / "sheets_schema.json").exists()
    # Nothing of this machine's: no Linux scripts, no bytecode of this machine's Python.
    assert not (site / "bin").exists() and not list(site.rglob("*.pyc"))
    assert not list(root.rglob("*.whl"))


def test_the_launchers_run_the_folders_own_python(built):
    for name, interpreter in (("houqin.exe", "python.exe"), ("houqinw.exe", "pythonw.exe")):
        data = (built["root"] / name).read_bytes()
        assert data.startswith(b"MZ")
        shebang = f"\n#!<launcher_dir>\\python\\{interpreter}\n".encode()
        # distlib's launcher: the exe, the shebang, then a zip whose __main__.py runs the command.
        assert data.count(b"#!<launcher_dir>") == 1 and shebang[1:] in data
        with zipfile.ZipFile(io.BytesIO(data[data.index(shebang[1:]) + len(shebang) - 1:])) as script:
            main = script.read("__main__.py").decode()
        assert "from sync.cli.entry import main" in main and "sys.exit(main())" in main


def test_the_batch_files_and_instructions_read_right_on_a_chinese_windows(built):
    root = built["root"]
    install = (root / "install.bat").read_bytes()
    start = (root / "启动Houqin.bat").read_bytes()
    for data in (install, start):
        assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    install_text = install.decode("gbk")
    assert "%LOCALAPPDATA%\\Programs\\Houqin" in install_text and "Start Menu" in install_text
    assert "setup --keep-existing" in install_text and "autostart install" in install_text
    assert "python.org" not in install_text and "venv" not in install_text and "pip" not in install_text
    start_text = start.decode("gbk")
    assert '"%~dp0houqin.exe" setup --keep-existing' in start_text and '"%~dp0houqin.exe" serve --open' in start_text
    guide = (root / "安装说明.txt").read_bytes()
    assert guide.startswith("\ufeff".encode())
    text = guide.decode("utf-8-sig")
    assert "双击" in text and "启动Houqin.bat" in text and "卸载" in text and "Add python.exe to PATH" not in text
    assert (root / "houqin.example.toml").exists()


def test_installed_in_a_fresh_venv_it_runs_from_any_folder(built, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    installed = subprocess.run([str(python), "-m", "pip", "install", "--no-index", "--find-links", str(built["host"]),
                                f"houqin=={version()}"], capture_output=True, text=True, timeout=600,
                               env=offline_pip_env(tmp_path))
    assert installed.returncode == 0, installed.stdout + installed.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {"PATH": f"{venv / 'bin'}{os.pathsep}/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8",
           "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config")}

    def houqin(*args: str, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(["houqin", *args], cwd=elsewhere, capture_output=True, text=True, timeout=300,
                              env=env, **kwargs)

    where = subprocess.run([str(python), "-c", "import sync, rules.pack; print(sync.__file__)"], cwd=elsewhere,
                           capture_output=True, text=True, env=env)
    assert str(venv) in where.stdout and str(ROOT) not in where.stdout
    demo = houqin("demo", "--dir", "d")
    assert demo.returncode == 0 and len(list((elsewhere / "d").glob("*.xlsx"))) == 4, demo.stderr
    check = houqin("check", "d")
    assert check.returncode == 1 and "合计：" in check.stdout and "Traceback" not in check.stderr  # the demo has errors

    port = free_port()
    server = subprocess.Popen(["houqin", "serve", "d", "--port", str(port)], cwd=elsewhere, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        status = {}
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and status.get("last_run_id", 0) < 1:
            assert server.poll() is None
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
                    status = json.loads(answer.read())
            except OSError:
                time.sleep(0.5)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as answer:
            page = answer.read().decode("utf-8")
    finally:
        server.terminate()
        output = server.communicate(timeout=120)[0]
    assert status.get("last_run_id", 0) >= 1, output
    assert "安全检查" in page and str(tmp_path / "data" / "Houqin" / "houqin.log") in page
    assert server.returncode == 0 and not (elsewhere / "var").exists()

    # The autostart unit runs the installed command, and systemd accepts it.
    (elsewhere / "houqin.toml").write_text("[sources]\npaths = ['d']\n", encoding="utf-8")
    bin_dir = tmp_path / "fake-bin"
    bin_dir.mkdir()
    (bin_dir / "systemctl").write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    (bin_dir / "systemctl").chmod(0o755)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
    assert houqin("autostart", "install", "--config", "houqin.toml").returncode == 0
    unit = tmp_path / "config" / "systemd" / "user" / "houqin.service"
    assert f'ExecStart="{venv / "bin" / "houqin"}" "serve" "--config" "{elsewhere / "houqin.toml"}"' in unit.read_text()
    if shutil.which("systemd-analyze"):
        verified = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60)
        assert verified.returncode == 0, verified.stderr

    # What `du` counts: disk blocks, so that many small files are not flattered.
    size_mb = sum(f.lstat().st_blocks * 512 for f in venv.rglob("*")) / 2**20
    print(f"\ninstalled environment: {size_mb:.1f} MB on disk (pip included)")
    assert size_mb <= LIMIT_MB
