@echo off
chcp 65001 >nul
rem nianbao @VERSION@: start the office's workspace in the browser (nianbao serve), creating it on first use.
rem UTF-8 without BOM, CRLF; the chcp stays on line 2.
setlocal
set "HERE=%~dp0"
set "ENV=%HERE%nianbao-env"
set "WS=%HERE%工作台"
if not exist "%ENV%\Scripts\nianbao.exe" goto :not_installed
if exist "%ProgramFiles%\LibreOffice\program\soffice.exe" set "PATH=%ProgramFiles%\LibreOffice\program;%PATH%"
set "PATH=%ENV%\Scripts;%PATH%"
cd /d "%HERE%"
title nianbao 工作台
nianbao serve --help >nul 2>&1
if errorlevel 1 goto :no_serve
if exist "%WS%\" goto :serve

echo 工作台还没有建立，现在建立（只需一次）。
nianbao workspace --help >nul 2>&1
if errorlevel 1 goto :no_serve
set "ROSTER="
set /p "ROSTER=请把单位名单（xlsx 或 csv；没有可先用“命令行”运行 nianbao roster-template）拖到本窗口，然后按回车："
set "YEAR="
set /p "YEAR=报告年度（例如 2024）："
set "ORG="
set /p "ORG=本级单位名称（例如 某某市人民政府）："
setlocal EnableDelayedExpansion
set "ROSTER=!ROSTER:"=!"
nianbao workspace init "!WS!" --roster "!ROSTER!" --year "!YEAR!" --org "!ORG!"
endlocal
if errorlevel 1 goto :failed

:serve
echo 正在启动工作台，浏览器会自动打开；使用期间不要关闭本窗口，关闭即停止。
nianbao serve "%WS%"
if errorlevel 1 goto :failed
exit /b 0

:no_serve
echo 这个版本的 nianbao 还没有网页工作台（nianbao serve）。
echo 请使用桌面上的“命令行”：nianbao --help 查看全部命令。
pause
exit /b 1

:not_installed
echo 尚未安装：请先双击本文件夹中的“安装.bat”。
pause
exit /b 1

:failed
echo.
echo 工作台没有启动成功，请把本窗口的内容截图发给技术联系人。
pause
exit /b 1
