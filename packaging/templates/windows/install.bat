@echo off
chcp 65001 >nul
rem nianbao @VERSION@ offline installer for Windows. UTF-8 without BOM, CRLF; the chcp stays on line 2
rem and everything above it stays ASCII. Avoid ( ) blocks around paths: a ")" in a folder name ends them.
setlocal
set "HERE=%~dp0"
set "SETUP=%HERE%setup"
title nianbao @VERSION@ 离线安装
echo nianbao @VERSION@ 离线安装（Windows）
echo.
if not exist "%SETUP%\install_helper.py" goto :not_unpacked

:find_python
set "PY="
for %%V in (@PY_VERSIONS@) do call :try py -%%V-64
for %%N in (@PY_NODOT@) do call :try "%LOCALAPPDATA%\Programs\Python\Python%%N\python.exe"
for %%N in (@PY_NODOT@) do call :try "%ProgramFiles%\Python%%N\python.exe"
call :try python
call :try python3
if not defined PY goto :no_python
echo 使用 %PYDESC%
echo.
call :libreoffice
%PY% "%SETUP%\install_helper.py" --dest "%HERE%."
if errorlevel 1 goto :failed
echo.
echo 桌面上已放好“启动工作台”和“命令行”。
pause
exit /b 0

:try
if defined PY exit /b 0
%* "%SETUP%\check_python.py" @PY_VERSIONS@ >"%TEMP%\nianbao-python.txt" 2>nul
if errorlevel 1 exit /b 0
set "PY=%*"
set /p PYDESC=<"%TEMP%\nianbao-python.txt"
exit /b 0

:no_python
echo 没有找到可用的 Python：需要 64 位的 Python @PY_RANGE@。
python --version >nul 2>&1
if errorlevel 1 goto :offer_python
echo 这台电脑上现有的 Python 版本不在此范围：
python --version
:offer_python
set "PYINST="
for %%F in ("%HERE%安装程序\python-3*-amd64.exe") do set "PYINST=%%~fF"
if not defined PYINST goto :python_help
echo 在“安装程序”文件夹中找到 Python 安装包：
echo   %PYINST%
echo 安装时请勾选“Add python.exe to PATH”，然后点“Install Now”。
choice /c YN /m "现在运行这个安装包吗"
if errorlevel 2 goto :python_help
start "" /wait "%PYINST%"
goto :find_python

:python_help
echo.
echo 请先安装 Python @PY_BEST@（64 位）：在能上网的电脑上从 https://www.python.org/downloads/windows/
echo 下载“Windows installer (64-bit)”（文件名形如 python-@PY_BEST@.x-amd64.exe），放进本文件夹的“安装程序”
echo 文件夹，再运行本安装程序。详见“离线安装说明.txt”。
pause
exit /b 1

:libreoffice
if exist "%ProgramFiles%\LibreOffice\program\soffice.exe" exit /b 0
set "LOINST="
for %%F in ("%HERE%安装程序\LibreOffice_*.msi") do set "LOINST=%%~fF"
if not defined LOINST goto :no_office
echo 在“安装程序”文件夹中找到 LibreOffice 安装包（用于把报告转换为 PDF）：
echo   %LOINST%
choice /c YN /m "现在安装 LibreOffice 吗"
if errorlevel 2 exit /b 0
start "" /wait msiexec /i "%LOINST%"
exit /b 0
:no_office
echo 提示：没有安装 LibreOffice，可以生成 Word 报告，但不能转换为 PDF；需要 PDF 时见“离线安装说明.txt”。
echo.
exit /b 0

:not_unpacked
echo 请先把整个压缩包解压到一个固定的文件夹（例如 D:\nianbao），再双击其中的“安装.bat”；
echo 不要在压缩软件的窗口里直接运行。
pause
exit /b 1

:failed
echo.
echo 安装没有完成。请把本窗口的内容截图，连同“离线安装说明.txt”中的版本号，发给技术联系人。
pause
exit /b 1
