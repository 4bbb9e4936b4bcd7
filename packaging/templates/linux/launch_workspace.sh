#!/usr/bin/env bash
# nianbao: start the office's workspace in the browser (nianbao serve), creating it on first use.
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WS="$HERE/工作台"
pause() { read -r -p "按回车键关闭" _; }
if [ ! -x "$HERE/nianbao-env/bin/nianbao" ]; then
    echo "尚未安装：请先运行安装包中的 install.sh。"; pause; exit 1
fi
cd "$HERE" || exit 1
export PATH="$HERE/nianbao-env/bin:$PATH"
if ! command -v soffice >/dev/null; then  # LibreOffice's own .deb packages install to /opt, not on PATH
    for d in /opt/libreoffice*/program; do [ -x "$d/soffice" ] && PATH="$PATH:$d" && break; done
fi
if ! nianbao serve --help >/dev/null 2>&1; then
    echo "这个版本的 nianbao 还没有网页工作台（nianbao serve）。"
    echo "请使用桌面上的“命令行”：nianbao --help 查看全部命令。"
    pause; exit 1
fi
if [ ! -d "$WS" ]; then
    if ! nianbao workspace --help >/dev/null 2>&1; then
        echo "这个版本的 nianbao 还没有网页工作台（nianbao workspace）。"; pause; exit 1
    fi
    echo "工作台还没有建立，现在建立（只需一次）。"
    read -r -p "单位名单（xlsx 或 csv）的路径，可把文件拖到本窗口：" roster
    roster="${roster#\'}"; roster="${roster%\'}"; roster="${roster#\"}"; roster="${roster%\"}"
    read -r -p "报告年度（例如 2024）：" year
    read -r -p "本级单位名称（例如 某某市人民政府）：" org
    if ! nianbao workspace init "$WS" --roster "$roster" --year "$year" --org "$org"; then
        echo "工作台没有建立成功（见上方提示）。"; pause; exit 1
    fi
fi
echo "正在启动工作台，浏览器会自动打开；使用期间不要关闭本窗口，关闭即停止。"
nianbao serve "$WS" || { echo "工作台没有启动成功（见上方提示）。"; pause; exit 1; }
