"""The platforms × Python versions an offline bundle serves, as pip sees them.

A target is one (platform, CPython version). pip's ``--platform``/``--python-version`` select wheel tags
for a target, but pip evaluates environment markers (``sys_platform == "win32"``,
``python_version < "3.11"``) against the machine it runs on; ``marker_env`` gives the values of the
target instead, which ``pip_for_target.py`` installs into pip before it resolves.
"""

from __future__ import annotations

import platform
import sys
from dataclasses import dataclass

PYTHONS = ("3.10", "3.11", "3.12", "3.13")  # the versions the bundle promises (issue 16)
GLIBC_MAX = (2, 28)  # 统信UOS 20 and 麒麟 V10 ship glibc 2.28; a wheel may not need a newer one


@dataclass(frozen=True)
class Platform:
    id: str  # key in bundle.json and in file names
    label: str  # Chinese, for messages and the instructions
    sys_platform: str
    os_name: str
    platform_system: str
    machine: str  # platform.machine() on that system
    arch: str  # the architecture part of wheel platform tags

    @property
    def is_linux(self) -> bool:
        return self.sys_platform == "linux"

    def tags(self, glibc_max: tuple[int, int] = GLIBC_MAX) -> list[str]:
        """pip ``--platform`` values, most preferred first: for Linux every manylinux up to
        ``glibc_max``, the oldest first, so that a wheel needing the older glibc wins a tie."""
        if not self.is_linux:
            return [self.arch]
        legacy = {5: "manylinux1", 12: "manylinux2010", 17: "manylinux2014"}
        lowest = 17 if self.arch == "aarch64" else 5
        out: list[str] = []
        for minor in range(lowest, glibc_max[1] + 1):
            out.append(f"manylinux_2_{minor}_{self.arch}")
            if minor in legacy and (self.arch == "x86_64" or minor == 17):
                out.append(f"{legacy[minor]}_{self.arch}")
        return out


PLATFORMS = {p.id: p for p in (
    Platform("win_amd64", "Windows x64", "win32", "nt", "Windows", "AMD64", "win_amd64"),
    Platform("manylinux_x86_64", "Linux x86_64", "linux", "posix", "Linux", "x86_64", "x86_64"),
    Platform("manylinux_aarch64", "Linux aarch64（ARM）", "linux", "posix", "Linux", "aarch64", "aarch64"),
)}


@dataclass(frozen=True)
class Target:
    platform: Platform
    python: str  # "3.12"

    @property
    def key(self) -> str:
        return f"{self.platform.id}-{self.python}"

    @property
    def label(self) -> str:
        return f"{self.platform.label} / CPython {self.python}"

    def pip_options(self, glibc_max: tuple[int, int] = GLIBC_MAX) -> list[str]:
        """Options that make pip choose wheels for this target (binary only: no builds, no sdists)."""
        opts = ["--only-binary=:all:", "--implementation", "cp", "--python-version", self.python]
        for tag in self.platform.tags(glibc_max):
            opts += ["--platform", tag]
        return opts

    def marker_env(self) -> dict[str, str]:
        """PEP 508 marker values on the target. ``python_full_version`` is the first release of the
        series, so a dependency needed only by early patch releases is bundled too (harmless later)."""
        p = self.platform
        full = f"{self.python}.0"
        return {
            "implementation_name": "cpython", "implementation_version": full,
            "platform_python_implementation": "CPython", "python_version": self.python,
            "python_full_version": full, "os_name": p.os_name, "sys_platform": p.sys_platform,
            "platform_system": p.platform_system, "platform_machine": p.machine,
            "platform_release": "10" if p.os_name == "nt" else "",
            "platform_version": "10.0.19045" if p.os_name == "nt" else "",
        }


def this_platform() -> Platform | None:
    """The target platform this machine is, if it is one of ours."""
    machine = platform.machine().lower()
    if sys.platform == "win32" and machine in ("amd64", "x86_64") and sys.maxsize > 2**32:
        return PLATFORMS["win_amd64"]
    if sys.platform.startswith("linux"):
        return {"x86_64": PLATFORMS["manylinux_x86_64"], "aarch64": PLATFORMS["manylinux_aarch64"],
                "arm64": PLATFORMS["manylinux_aarch64"]}.get(machine)
    return None


def this_python() -> str:
    return f"{sys.version_info[0]}.{sys.version_info[1]}"


def wheel_glibc(filename: str) -> tuple[int, int] | None:
    """The oldest glibc a manylinux wheel runs on (the lowest of its platform tags), else None."""
    plats = filename[:-4].split("-")[-1].split(".")
    legacy = {"manylinux1": (2, 5), "manylinux2010": (2, 12), "manylinux2014": (2, 17)}
    found: list[tuple[int, int]] = []
    for tag in plats:
        head = tag.split("_")
        if tag.startswith("manylinux_") and len(head) >= 4 and head[1].isdigit() and head[2].isdigit():
            found.append((int(head[1]), int(head[2])))
        elif head[0] in legacy:
            found.append(legacy[head[0]])
    return min(found) if found else None
