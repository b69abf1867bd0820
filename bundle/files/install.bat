@echo off
rem Houqin @VERSION@ 离线安装：不需要上网。双击运行即可。
setlocal
cd /d "%~dp0"
set "HOUQIN_DIR=%LOCALAPPDATA%\Houqin"
set "PY="
for %%V in (@PYTHONS@) do if not defined PY py -%%V -c "pass" >nul 2>&1 && set "PY=py -%%V"
if not defined PY python -c "import sys; sys.exit(sys.version_info[:2] not in (@PYTHON_TUPLES@))" >nul 2>&1 && set "PY=python"
if not defined PY goto nopython
echo 正在安装 Houqin @VERSION@ 到 %HOUQIN_DIR%\venv ……
rem 升级时先停下自动启动的 Houqin，否则 Windows 不让替换正在运行的文件。
schtasks /End /TN Houqin >nul 2>&1
%PY% -m venv "%HOUQIN_DIR%\venv" || goto failed
"%HOUQIN_DIR%\venv\Scripts\python.exe" -m pip install --no-index --find-links "%~dp0wheels" --upgrade houqin==@VERSION@ || goto failed
echo.
echo 安装完成。接下来回答几个问题，生成配置文件：
"%HOUQIN_DIR%\venv\Scripts\houqin.exe" setup --keep-existing
if errorlevel 1 goto end
echo.
choice /C YN /M "每次登录 Windows 后自动启动 Houqin 吗"
if errorlevel 2 goto end
"%HOUQIN_DIR%\venv\Scripts\houqin.exe" autostart install
goto end
:nopython
echo 没有找到 Python @PYTHONS_TEXT@。
echo 请先从 https://www.python.org/downloads/windows/ 下载 Windows installer (64-bit)，
echo 安装时勾选“Add python.exe to PATH”，装好后再双击本文件。
goto end
:failed
echo 安装没有成功。请把这个窗口拍照，发给负责电脑的老师。
:end
pause
