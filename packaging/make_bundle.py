"""Build the offline bundle: ``python packaging/make_bundle.py -o DIR`` → ``DIR/nianbao-offline-<version>.zip``.

Run on a machine that reaches the package index (PyPI or the mirror pip is configured for). The bundle
holds the product's wheel and, for every platform × CPython version, the wheels pip resolves for it
from the product's metadata (pyproject.toml: dependencies and extras) with that target's environment
markers; pure-Python and abi3 wheels once, compiled ones per platform and version. Each target is then
resolved again offline from the bundle's wheels alone: that resolution is the target's hash-pinned lock,
and proves the bundle complete. Messages are Chinese; exit 0 done, 1 a wheel could not be had (or pip
failed), 2 bad options.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

from bundle_pip import BundleError, build_product, check_pip, fetch, lock, requirement
from bundle_targets import GLIBC_MAX, PLATFORMS, PYTHONS, Target, this_platform, this_python
from bundle_write import lay_out, write_zip

PROJECT = Path(__file__).resolve().parent.parent
NOT_BUNDLED_EXTRAS = frozenset({"test", "tests", "dev", "docs", "lint"})  # for developers, not offices


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        prog="make_bundle.py", description="生成离线安装包 nianbao-offline-<版本>.zip（需要能访问软件包索引）。",
        epilog="例：python packaging/make_bundle.py -o dist；只为本机：--platform this --python this")
    ap.add_argument("-o", "--output", required=True, type=Path, help="输出文件夹")
    ap.add_argument("--platform", action="append", metavar="平台",
                    help=f"目标平台，可重复：{'、'.join(PLATFORMS)}、this（本机）；默认全部")
    ap.add_argument("--python", action="append", metavar="版本",
                    help=f"目标 Python 版本，可重复或用逗号分隔，this 为运行本脚本的版本；默认 {','.join(PYTHONS)}")
    ap.add_argument("--extra", action="append", metavar="名称",
                    help="一并打包的 optional-dependencies 组；默认除 test 等开发用组外的全部")
    ap.add_argument("--glibc", default=".".join(map(str, GLIBC_MAX)),
                    help="Linux wheel 可要求的最高 glibc 版本（默认 %(default)s：统信UOS 20、麒麟 V10）")
    ap.add_argument("--project", type=Path, default=PROJECT, help="项目文件夹（默认本仓库）")
    return ap.parse_args(argv)


def choose_targets(platforms: list[str] | None, pythons: list[str] | None) -> list[Target]:
    plats = []
    for name in platforms or list(PLATFORMS):
        if name == "this":
            here = this_platform()
            if here is None:
                raise ValueError("本机不是安装包支持的平台（Windows x64、Linux x86_64、Linux aarch64），不能用 this")
            plats.append(here)
        elif name in PLATFORMS:
            plats.append(PLATFORMS[name])
        else:
            raise ValueError(f"未知平台：{name}（可选：{'、'.join(PLATFORMS)}、this）")
    versions = []
    for item in pythons or list(PYTHONS):
        for v in item.split(","):
            v = this_python() if v.strip() == "this" else v.strip()
            parts = v.split(".")
            if len(parts) != 2 or not all(p.isdigit() for p in parts) or parts[0] != "3":
                raise ValueError(f"Python 版本应写成 3.12 这样：{v}")
            versions.append(v)
    uniq = dict.fromkeys(Target(p, v) for p in dict.fromkeys(plats) for v in dict.fromkeys(versions))
    return list(uniq)


def check_python_support(requires: str, targets: list[Target]) -> None:
    from pip._vendor.packaging.specifiers import SpecifierSet

    spec = SpecifierSet(requires)
    bad = sorted({t.python for t in targets if f"{t.python}.0" not in spec and f"{t.python}.99" not in spec})
    if bad:
        raise ValueError(f"本工具要求 Python {requires}，不能为 Python {'、'.join(bad)} 打包")


def build(args: argparse.Namespace, say=print) -> Path:
    targets = choose_targets(args.platform, args.python)
    if not re.fullmatch(r"2\.\d{2}", args.glibc) or int(args.glibc[2:]) < 17:
        raise ValueError(f"--glibc 应写成 2.28 这样，且不低于 2.17：{args.glibc}")
    glibc = (2, int(args.glibc[2:]))
    pip_version = check_pip()
    with tempfile.TemporaryDirectory(prefix="nianbao-bundle-") as tmp:
        work = Path(tmp)
        say(f"构建本工具的 wheel：{args.project}")
        product = build_product(args.project.resolve(), work / "product")
        check_python_support(product.requires_python, targets)
        wanted = args.extra if args.extra is not None else [e for e in product.extras if e not in NOT_BUNDLED_EXTRAS]
        unknown = [e for e in wanted if e not in product.extras]
        if unknown:
            raise ValueError(f"pyproject.toml 中没有这些 optional-dependencies：{'、'.join(unknown)}")
        extras = tuple(wanted)
        say(f"{product.name} {product.version}" + (f"，附加组：{'、'.join(extras)}" if extras else ""))
        wheels = work / "wheels"
        wheels.mkdir()
        for i, t in enumerate(targets, 1):
            say(f"[{i}/{len(targets)}] 下载 {t.label} 的 wheel")
            fetch(t, [requirement(product, extras, path=True), "pip"], wheels, glibc)
        locks = {}
        for t in targets:
            locks[t] = lock(t, requirement(product, extras, path=False), wheels, glibc)
            say(f"离线解析 {t.label}：{len(locks[t])} 个 wheel")
        root = work / f"{product.name}-offline-{product.version}"
        lay_out(root, wheels, product, extras, locks, pip_version)
        report_versions(locks, say)
        out = write_zip(root, args.output / f"{root.name}.zip")
    files = {p.filename for picks in locks.values() for p in picks}
    say(f"已生成 {out}（{out.stat().st_size / 1e6:.1f} MB，{len(files)} 个 wheel，{len(targets)} 个平台×版本）")
    return out


def report_versions(locks: dict, say) -> None:
    """Say where a library differs in version between targets (a newer release that dropped a Python)."""
    seen: dict[str, dict[str, list[str]]] = {}
    for t, picks in locks.items():
        for p in picks:
            seen.setdefault(p.name, {}).setdefault(p.version, []).append(t.key)
    for name, versions in sorted(seen.items()):
        if len(versions) > 1:
            parts = "；".join(f"{v}：{'、'.join(keys)}" for v, keys in versions.items())
            say(f"注意：{name} 在不同目标上的版本不同（{parts}）")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        build(args)
    except ValueError as e:
        print(f"错误：{e}", file=sys.stderr)
        return 2
    except BundleError as e:
        print(f"错误：{e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中止。", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
