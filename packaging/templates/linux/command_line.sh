#!/usr/bin/env bash
# nianbao: a terminal with nianbao on PATH, in the install folder.
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ ! -x "$HERE/nianbao-env/bin/nianbao" ]; then
    echo "尚未安装：请先运行安装包中的 install.sh。"
    read -r -p "按回车键关闭" _
    exit 1
fi
cd "$HERE" || exit 1
export PATH="$HERE/nianbao-env/bin:$PATH"
if ! command -v soffice >/dev/null; then  # LibreOffice's own .deb packages install to /opt, not on PATH
    for d in /opt/libreoffice*/program; do [ -x "$d/soffice" ] && PATH="$PATH:$d" && break; done
fi
echo "nianbao 命令行。常用："
echo "  nianbao demo        用示例数据演示全过程，结果在 output/示例"
echo "  nianbao --help      查看全部命令"
echo "  nianbao 命令 --help  查看某个命令的用法"
exec "${SHELL:-bash}" -i
