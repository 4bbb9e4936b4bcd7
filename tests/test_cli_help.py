"""Every command has Chinese help with an example; roster-template writes a usable roster."""

import pytest
from click.testing import CliRunner

from tool.cli import cli

COMMANDS = sorted([[n] for n in cli.commands] +
                  [[n, sub] for n, c in cli.commands.items() for sub in getattr(c, "commands", {})])


@pytest.mark.parametrize("name", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(name):
    res = CliRunner().invoke(cli, [*name, "--help"])
    assert res.exit_code == 0
    assert "示例" in res.output, name
    assert "用法" in res.output and "Usage" not in res.output and "Options" not in res.output
    assert "COMMAND" not in res.output and "TEXT" not in res.output.split("选项")[0]


def test_usage_errors_are_chinese():
    res = CliRunner().invoke(cli, ["template", "--format", "2018"])
    assert res.exit_code == 2 and "取值无效" in res.output and "Invalid" not in res.output


def test_unknown_option_is_exit_2_in_chinese_context():
    res = CliRunner().invoke(cli, ["check", "--no-such-option"])
    assert res.exit_code == 2


def test_roster_template_cli(tmp_path):
    out = tmp_path / "名单.xlsx"
    res = CliRunner().invoke(cli, ["roster-template", "-o", str(out)])
    assert res.exit_code == 0 and out.exists() and "单位名单模板" in res.output
