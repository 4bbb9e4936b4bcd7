"""Run pip as if on another machine: ``python pip_for_target.py MARKERS_JSON pip-args...``.

pip's ``--platform``/``--python-version`` choose wheel tags for a target, but pip evaluates the
environment markers of requirements (``colorama; sys_platform == "win32"``,
``tomli; python_version < "3.11"``) against the running interpreter. This replaces the marker
environment pip's vendored ``packaging`` uses with the target's, checks that the replacement took
(so a pip that stops honouring it fails loudly instead of resolving for the wrong machine), then runs
pip's own entry point.
"""

from __future__ import annotations

import json
import sys


def main() -> int:
    target = json.loads(sys.argv[1])
    from pip._vendor.packaging import markers

    env = markers.default_environment()
    env.update(target)
    markers.default_environment = lambda: dict(env)
    try:  # the "environment" recorded in --report output
        from pip._internal.models import installation_report
        installation_report.default_environment = markers.default_environment
    except ImportError:
        pass
    probe = markers.Marker(f'sys_platform == "{target["sys_platform"]}" and '
                           f'python_version == "{target["python_version"]}"')
    if not probe.evaluate():
        sys.stderr.write("pip_for_target: pip did not take the target's marker environment\n")
        return 3
    from pip._internal.cli.main import main as pip_main
    return pip_main(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
