#!/usr/bin/env bash
# nianbao @VERSION@ offline installer for Linux (x86_64, aarch64; 统信UOS, 麒麟, Debian, …).
#   bash install.sh [--python PYTHON] [--no-demo] [--no-desktop] [安装文件夹，默认 ~/nianbao]
# Finds a 64-bit CPython @PY_RANGE@ (or unpacks a standalone CPython from 安装程序/), then
# setup/install_helper.py makes the venv and installs with pip install --no-index --find-links.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SETUP="$HERE/setup"
VERSIONS="@PY_VERSIONS@"   # newest first
PY="${NIANBAO_PYTHON:-}"
DEST=""
PASS=()

usage() {
    echo "用法：bash install.sh [--python PYTHON] [--no-demo] [--no-desktop] [安装文件夹]"
    echo "  安装 nianbao @VERSION@ 到安装文件夹（默认 ~/nianbao），不需要网络。"
    echo "  --python      指定 Python（需要 64 位 Python @PY_RANGE@）"
    echo "  --no-demo     安装后不运行 nianbao demo"
    echo "  --no-desktop  不在桌面放启动图标"
}

while [ $# -gt 0 ]; do
    case "$1" in
        --python) [ $# -ge 2 ] || { usage >&2; exit 2; }; PY="$2"; shift 2 ;;
        --no-demo|--no-desktop) PASS+=("$1"); shift ;;
        -h|--help) usage; exit 0 ;;
        -*) echo "未知选项：$1" >&2; usage >&2; exit 2 ;;
        *) DEST="$1"; shift ;;
    esac
done
DEST="${DEST:-$HOME/nianbao}"

if [ ! -f "$SETUP/install_helper.py" ]; then
    echo "请先把整个压缩包解压（unzip nianbao-offline-@VERSION@.zip），再运行其中的 install.sh。" >&2
    exit 1
fi

suitable() { "$1" "$SETUP/check_python.py" $VERSIONS >/dev/null 2>&1; }

standalone() {  # a python-build-standalone "install_only" archive for this machine, newest first
    local arch i
    local -a archives
    arch=$(uname -m)
    [ "$arch" = arm64 ] && arch=aarch64
    shopt -s nullglob
    archives=("$HERE"/安装程序/cpython-3.*-"$arch"-unknown-linux-gnu-install_only*.tar.gz)
    shopt -u nullglob
    for ((i = ${#archives[@]} - 1; i >= 0; i--)); do
        echo "解压 $(basename "${archives[$i]}") 到 $DEST/python"
        rm -rf "$DEST/python"
        mkdir -p "$DEST"
        tar -xzf "${archives[$i]}" -C "$DEST"
        if suitable "$DEST/python/bin/python3"; then PY="$DEST/python/bin/python3"; return 0; fi
    done
    return 1
}

find_python() {
    local v c
    if [ -n "$PY" ]; then
        suitable "$PY" && return 0
        echo "指定的 Python 不能用：$PY（需要 64 位 Python @PY_RANGE@）。" >&2
        exit 1
    fi
    for v in $VERSIONS; do
        c=$(command -v "python$v" || true)
        if [ -n "$c" ] && suitable "$c"; then PY="$c"; return 0; fi
    done
    for c in python3 python; do
        c=$(command -v "$c" || true)
        if [ -n "$c" ] && suitable "$c"; then PY="$c"; return 0; fi
    done
    standalone
}

if ! find_python; then
    echo "没有找到可用的 Python：需要 64 位的 Python @PY_RANGE@。" >&2
    if command -v python3 >/dev/null; then echo "本机的 python3 是 $(python3 --version 2>&1)，版本不符。" >&2; fi
    echo "统信UOS、麒麟自带的 Python 通常较旧：请按“离线安装说明.txt”把独立版 CPython 压缩包放进" >&2
    echo "“安装程序”文件夹，再运行 bash install.sh。" >&2
    exit 1
fi
echo "使用 $("$PY" "$SETUP/check_python.py" $VERSIONS)"
exec "$PY" "$SETUP/install_helper.py" --dest "$DEST" ${PASS[@]+"${PASS[@]}"}
