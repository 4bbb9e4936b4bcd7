@echo off
chcp 65001 >nul
rem nianbao @VERSION@: a command window with nianbao on PATH, in the install folder.
rem UTF-8 without BOM, CRLF; the chcp stays on line 2.
set "HERE=%~dp0"
set "ENV=%HERE%nianbao-env"
if not exist "%ENV%\Scripts\nianbao.exe" goto :not_installed
if exist "%ProgramFiles%\LibreOffice\program\soffice.exe" set "PATH=%ProgramFiles%\LibreOffice\program;%PATH%"
set "PATH=%ENV%\Scripts;%PATH%"
cd /d "%HERE%"
title nianbao 命令行
echo nianbao 命令行。常用：
echo   nianbao demo        用示例数据演示全过程，结果在 output\示例
echo   nianbao --help      查看全部命令
echo   nianbao 命令 --help  查看某个命令的用法
echo.
cmd /k
exit /b 0

:not_installed
echo 尚未安装：请先双击本文件夹中的“安装.bat”。
pause
exit /b 1
