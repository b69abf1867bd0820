@echo off
rem 启动 Houqin：定时检查后勤表格，并在浏览器里打开状态页。关闭这个窗口，Houqin 就停止了。
set "HOUQIN=%LOCALAPPDATA%\Houqin\venv\Scripts\houqin.exe"
if not exist "%HOUQIN%" goto notinstalled
"%HOUQIN%" serve --open
pause
goto :eof
:notinstalled
echo 还没有安装 Houqin：请先双击 install.bat。
pause
