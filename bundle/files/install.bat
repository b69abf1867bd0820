@echo off
rem Houqin @VERSION@：把这个文件夹装到 %LOCALAPPDATA%\Programs\Houqin，加上“开始”菜单和自动启动。
rem 可以不装：解压后直接双击“启动Houqin.bat”也能用。不需要上网，也不需要另装 Python。
rem “install.bat /quiet”只复制文件和建“开始”菜单，不提问（由管理员自己运行 setup 和 autostart）。
setlocal
set "QUIET="
if /i "%~1"=="/quiet" set "QUIET=1"
set "TARGET=%LOCALAPPDATA%\Programs\Houqin"
set "MENU=%APPDATA%\Microsoft\Windows\Start Menu\Programs\Houqin"
if /i "%~dp0"=="%TARGET%\" goto copied
echo 正在安装 Houqin @VERSION@ 到 %TARGET% ……
rem 升级时先停下自动启动的 Houqin，否则 Windows 不让替换正在运行的文件。
schtasks /End /TN Houqin >nul 2>&1
rem 旧版本的程序先删掉。配置（文档\Houqin）、状态记录（它旁边的 var）和表格备份都不在这里，不会动。
if exist "%TARGET%\python" rmdir /S /Q "%TARGET%\python"
if exist "%TARGET%\python" goto busy
xcopy "%~dp0." "%TARGET%\" /E /I /Q /Y
if errorlevel 1 goto failed
:copied
if not exist "%MENU%" mkdir "%MENU%"
> "%MENU%\启动Houqin.bat" echo @call "%TARGET%\启动Houqin.bat"
if errorlevel 1 goto failed
echo 已安装。“开始”菜单里的“Houqin”文件夹有“启动Houqin”。
if defined QUIET goto end
echo.
echo 接下来回答几个问题，生成配置文件（已经有配置文件时保留它）：
"%TARGET%\houqin.exe" setup --keep-existing
if errorlevel 1 goto failed
echo.
set "AUTO="
set /p "AUTO=每次登录 Windows 后自动启动 Houqin 吗？输入 Y 回车表示是，直接回车表示否："
if /i not "%AUTO%"=="Y" goto done
"%TARGET%\houqin.exe" autostart install
if errorlevel 1 goto failed
goto done
:busy
echo Houqin 还在运行，程序文件无法替换。请关闭“启动Houqin.bat”打开的窗口，再双击 install.bat。
goto failed_pause
:failed
echo 安装没有成功。请把这个窗口拍照，发给负责电脑的老师。
:failed_pause
if not defined QUIET pause
exit /b 1
:done
pause
:end
exit /b 0
