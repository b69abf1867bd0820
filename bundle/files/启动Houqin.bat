@echo off
rem 启动 Houqin @VERSION@：定时检查后勤表格，并在浏览器里打开状态页。关闭这个窗口，Houqin 就停止了。
rem 第一次双击时先回答几个问题，生成配置文件（文档\Houqin\houqin.toml）；以后直接启动。
setlocal
"%~dp0houqin.exe" setup --keep-existing
if errorlevel 1 goto failed
"%~dp0houqin.exe" serve --open
pause
goto :eof
:failed
echo 没有完成设置。请把这个窗口拍照，发给负责电脑的老师。
pause
