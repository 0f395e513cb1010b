"""`chokepoint --help`: every command listed with the first line of its own docstring, nothing heavy imported."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from scripts.cli import COMMANDS, main, summary


@pytest.mark.parametrize("name", COMMANDS)
def test_the_group_help_is_the_commands_own_first_line(name):
    command = main.get_command(None, name)
    assert command is not None
    assert summary(name) == (command.help or "").splitlines()[0]
    assert summary(name) != ""


def test_the_group_help_lists_every_command():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.output.split("Commands:\n", 1)[1].splitlines()
              if line.startswith("  ") and not line.startswith("    ")]
    assert listed == sorted(COMMANDS)


def test_help_imports_no_numerical_library():
    code = ("import sys; from click.testing import CliRunner; from scripts.cli import main; "
            "CliRunner().invoke(main, ['--help']); "
            "print(sorted(m for m in ('pandas', 'numpy', 'matplotlib', 'runs') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
