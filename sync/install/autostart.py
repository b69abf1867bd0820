"""`houqin autostart install|remove|status`: start `houqin serve --config …` after a reboot.

Windows: a Task Scheduler task at the user's logon, registered with `schtasks /Create /XML`
(the XML sets what the command line cannot: no three-day time limit, runs on battery, restarts
after a crash). It starts `houqinw.exe`, the console-less twin of `houqin.exe`, so no black window
sits on the desktop waiting to be closed by mistake; the log file says what it does.
Linux: a systemd user unit in ~/.config/systemd/user/, enabled with `systemctl --user`.
"""

from __future__ import annotations

import locale
import os
import subprocess
import sys
import sysconfig
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path, PurePath

from sync.errors import HouqinError

TASK_NAME = "Houqin"
UNIT_NAME = "houqin.service"
TASK_NS = "http://schemas.microsoft.com/windows/2004/02/mit/task"


class AutostartError(HouqinError):
    """Autostart could not be set up; the message says what to do instead."""


@dataclass(frozen=True)
class Launch:
    """What the autostart entry runs: a program, its arguments, the folder it starts in."""

    program: PurePath
    arguments: tuple[str, ...]
    workdir: PurePath


def launch_for(config_file: PurePath, script: PurePath | None, python: PurePath, windows: bool) -> Launch:
    """`houqin serve --config FILE` through the installed script when there is one, else through
    the interpreter (`python -m sync` is the same command)."""
    if script is not None:
        program, head = script, ()
    else:
        program = python.with_name("pythonw.exe") if windows else python
        head = ("-m", "sync")
    return Launch(program, (*head, "serve", "--config", str(config_file)), config_file.parent)


def this_launch(config_file: Path) -> Launch:
    windows = os.name == "nt"
    script = Path(sysconfig.get_path("scripts")) / ("houqinw.exe" if windows else "houqin")
    return launch_for(config_file, script if script.exists() else None, Path(sys.executable), windows)


# --- Windows ---------------------------------------------------------------------------------

def task_xml(launch: Launch, user: str) -> str:
    """The Task Scheduler definition (schema 1.2) of the logon task."""
    ET.register_namespace("", TASK_NS)

    def add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        node = ET.SubElement(parent, f"{{{TASK_NS}}}{tag}", attrs)
        node.text = text
        return node

    task = ET.Element(f"{{{TASK_NS}}}Task", {"version": "1.2"})
    info = add(task, "RegistrationInfo")
    add(info, "Description", "Houqin 后勤表格检查：登录 Windows 后启动 houqin serve（定时同步和状态页）")
    add(info, "URI", "\\" + TASK_NAME)
    logon = add(add(task, "Triggers"), "LogonTrigger")
    add(logon, "Enabled", "true")
    add(logon, "UserId", user)
    add(logon, "Delay", "PT30S")  # the network share is often not ready at the very first second
    principal = add(add(task, "Principals"), "Principal", id="Author")
    add(principal, "UserId", user)
    add(principal, "LogonType", "InteractiveToken")  # as this user, no stored password
    add(principal, "RunLevel", "LeastPrivilege")
    settings = add(task, "Settings")
    for tag, text in (("MultipleInstancesPolicy", "IgnoreNew"), ("DisallowStartIfOnBatteries", "false"),
                      ("StopIfGoingOnBatteries", "false"), ("AllowHardTerminate", "true"),
                      ("StartWhenAvailable", "true"), ("RunOnlyIfNetworkAvailable", "false")):
        add(settings, tag, text)
    idle = add(settings, "IdleSettings")
    add(idle, "StopOnIdleEnd", "false")
    add(idle, "RestartOnIdle", "false")
    for tag, text in (("AllowStartOnDemand", "true"), ("Enabled", "true"), ("Hidden", "false"),
                      ("RunOnlyIfIdle", "false"), ("WakeToRun", "false"),
                      ("ExecutionTimeLimit", "PT0S"),  # the default would stop the service after 3 days
                      ("Priority", "7")):
        add(settings, tag, text)
    restart = add(settings, "RestartOnFailure")
    add(restart, "Interval", "PT1M")
    add(restart, "Count", "3")
    run = add(add(task, "Actions", Context="Author"), "Exec")
    add(run, "Command", str(launch.program))
    add(run, "Arguments", subprocess.list2cmdline(launch.arguments))
    add(run, "WorkingDirectory", str(launch.workdir))
    ET.indent(task)
    return '<?xml version="1.0" encoding="UTF-16"?>\n' + ET.tostring(task, encoding="unicode") + "\n"


def schtasks_create(xml_file: PurePath) -> list[str]:
    return ["schtasks", "/Create", "/TN", TASK_NAME, "/XML", str(xml_file), "/F"]


def schtasks_run() -> list[str]:
    return ["schtasks", "/Run", "/TN", TASK_NAME]


def schtasks_delete() -> list[str]:
    return ["schtasks", "/Delete", "/TN", TASK_NAME, "/F"]


def schtasks_query() -> list[str]:
    return ["schtasks", "/Query", "/TN", TASK_NAME]


def windows_user() -> str:
    domain, name = os.environ.get("USERDOMAIN", ""), os.environ.get("USERNAME", "")
    return f"{domain}\\{name}" if domain else name


# --- Linux -----------------------------------------------------------------------------------

def _unit_quote(word: str) -> str:
    """One ExecStart= word: quoted per systemd.service(5) "Command lines": backslash and
    double quote escaped, specifiers (%) and variable expansion ($) doubled."""
    escaped = word.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%").replace("$", "$$")
    return f'"{escaped}"'


def refuse_unit_breaking(path: PurePath) -> None:
    """A unit file is lines of settings: a newline (or any control character) in a path would
    end ExecStart= and start a setting of its own (ExecStartPre=…). No quoting prevents that
    everywhere (WorkingDirectory= takes no quotes), so such a path is refused."""
    text = str(path)
    for position, char in enumerate(text, 1):
        if ord(char) < 32 or ord(char) == 127:
            raise AutostartError(f"路径 {text!r} 的第 {position} 个字符是控制字符（{char!r}），systemd 的服务文件无法安全地写入它；"
                                 "请把配置文件放到名称里没有换行等特殊字符的文件夹，再运行 houqin autostart install")


def systemd_unit(launch: Launch) -> str:
    for path in (launch.program, launch.workdir, *map(PurePath, launch.arguments)):
        refuse_unit_breaking(path)
    command = " ".join(_unit_quote(word) for word in (str(launch.program), *launch.arguments))
    return (
        "[Unit]\n"
        "Description=Houqin 后勤表格检查（定时同步和状态页）\n"
        "After=network-online.target\n"
        "Wants=network-online.target\n\n"
        "[Service]\n"
        "Type=simple\n"
        f"WorkingDirectory={str(launch.workdir).replace('%', '%%')}\n"
        f"ExecStart={command}\n"
        "Restart=on-failure\n"
        "RestartSec=30\n"
        "Environment=PYTHONUNBUFFERED=1 PYTHONIOENCODING=utf-8\n\n"
        "[Install]\n"
        "WantedBy=default.target\n"
    )


def unit_path() -> Path:
    config_home = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config_home) / "systemd" / "user" / UNIT_NAME


def _systemctl(*args: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["systemctl", "--user", *args], capture_output=True, text=True, errors="replace", timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return subprocess.CompletedProcess(["systemctl"], 127, "", str(exc))


def _run(command: list[str], timeout: float = 60) -> subprocess.CompletedProcess:
    """schtasks with its output in temporary files, not pipes: a process it starts (the Task
    Scheduler service, when it was not running) may keep a pipe open for ever, and Windows'
    subprocess.run then waits on that pipe even after its timeout has killed schtasks."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        try:
            child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        except OSError as exc:
            return subprocess.CompletedProcess(command, 127, "", str(exc))
        try:
            code = child.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
            return subprocess.CompletedProcess(command, 124, "", f"{command[0]} 在 {timeout:.0f} 秒内没有回答")
        said = [locale_text(f) for f in (out, err)]
    return subprocess.CompletedProcess(command, code, *said)


def locale_text(file) -> str:
    """What a console program wrote, in the console's code page (as text=True would read it)."""
    file.seek(0)
    return file.read().decode(locale.getpreferredencoding(False), errors="replace")


# --- the commands ----------------------------------------------------------------------------

def install(config_file: Path, var_dir: Path, start: bool = True) -> str:
    """Register the autostart entry; returns what to tell the user."""
    launch = this_launch(config_file)
    if os.name == "nt":
        var_dir.mkdir(parents=True, exist_ok=True)
        xml_file = var_dir / "houqin-task.xml"  # kept, so the IT helper can see what was registered
        xml_file.write_text(task_xml(launch, windows_user()), encoding="utf-16")
        done = _run(schtasks_create(xml_file))
        if done.returncode != 0:
            raise AutostartError(f"无法创建计划任务（schtasks 返回 {done.returncode}）：{(done.stderr or done.stdout).strip()}")
        if start:
            _run(schtasks_run())
        return (f"已创建计划任务“{TASK_NAME}”：每次登录 Windows 后自动启动 Houqin（{launch.program}）。"
                + ("现在已经启动。" if start else ""))
    text = systemd_unit(launch)  # refused before anything is written
    unit = unit_path()
    before = unit.read_bytes() if unit.exists() else None
    unit.parent.mkdir(parents=True, exist_ok=True)
    unit.write_text(text, encoding="utf-8")
    for args in (("daemon-reload",), ("enable", "--now", UNIT_NAME) if start else ("enable", UNIT_NAME)):
        done = _systemctl(*args)
        if done.returncode != 0:
            # A unit file that systemd was never told about starts nothing: do not leave it
            # behind as if autostart were set up (the one there before, if any, is put back).
            if before is None:
                unit.unlink(missing_ok=True)
                kept = f"没有留下 {unit}"
            else:
                unit.write_bytes(before)
                kept = f"{unit} 恢复为原来的内容"
            raise AutostartError(f"没有设置自动启动：systemctl --user {' '.join(args)} 失败（{_said(done)}），{kept}。"
                                 f"请登录到桌面后再运行一次 houqin autostart install"
                                 f"（通过 SSH 登录时先运行 loginctl enable-linger），或手动运行 systemctl --user enable --now {UNIT_NAME}")
    return f"已启用 systemd 用户服务 {UNIT_NAME}（{unit}）：登录后自动启动 Houqin。"


def _said(done: subprocess.CompletedProcess) -> str:
    return (done.stderr or done.stdout).strip() or f"返回 {done.returncode}"


def remove() -> str:
    if os.name == "nt":
        done = _run(schtasks_delete())
        if done.returncode != 0:
            return f"没有找到计划任务“{TASK_NAME}”，无需删除。"
        return f"已删除计划任务“{TASK_NAME}”；正在运行的 Houqin 会在下次注销或重启后不再启动。"
    unit = unit_path()
    if not unit.exists():
        return f"没有找到 {unit}，无需删除。"
    stopped = _systemctl("disable", "--now", UNIT_NAME)
    unit.unlink()
    # What `disable` would have removed, so that nothing starts at the next login either way.
    (unit.parent / "default.target.wants" / UNIT_NAME).unlink(missing_ok=True)
    if stopped.returncode != 0:
        raise AutostartError(f"已删除 {unit}，下次登录不会再自动启动；但 systemctl --user disable --now 失败（{_said(stopped)}），"
                             f"正在运行的 Houqin 没有停止：请在它的窗口里按 Ctrl+C，或注销后重新登录")
    _systemctl("daemon-reload")
    return f"已停止并删除 systemd 用户服务 {UNIT_NAME}。"


def status() -> tuple[bool, str]:
    """(installed, a sentence about it)."""
    if os.name == "nt":
        done = _run(schtasks_query())
        # The task's name must be in the answer: an exit status of 0 with nothing listed (seen from
        # schtasks implementations that do not know /Query) is no task.
        if done.returncode != 0 or TASK_NAME not in done.stdout:
            return False, f"未设置自动启动（没有计划任务“{TASK_NAME}”）。"
        return True, f"已设置自动启动：计划任务“{TASK_NAME}”。\n{done.stdout.strip()}"
    unit = unit_path()
    if not unit.exists():
        return False, f"未设置自动启动（没有 {unit}）。"
    enabled = _systemctl("is-enabled", UNIT_NAME)
    if enabled.returncode != 0 or enabled.stdout.strip() != "enabled":
        return False, (f"已写入 {unit}，但没有启用，登录后不会自动启动（systemctl --user is-enabled：{_said(enabled)}）；"
                       "请运行 houqin autostart install")
    active = _systemctl("is-active", UNIT_NAME).stdout.strip() or "未知"
    return True, f"已设置自动启动：{unit}；启用状态：enabled，运行状态：{active}。"
