"""One way to run the command line in a test: ``run_kwo`` here, or the ``kwo_cli`` fixture
(conftest.py) that hands it to a test or a fixture of any scope."""

from __future__ import annotations

from click.testing import CliRunner, Result


def run_kwo(*args, code: int | None = 0, input=None, env: dict | None = None) -> Result:
    """``kwo ARGS...`` in this process (click's runner); arguments may be paths or numbers.

    Fails the test unless the exit code is ``code`` (None: any code), and whenever kwo shows a
    traceback; an exception other than an exit is raised again, so the test shows where it came from.
    """
    from kwo.cli import cli

    result = CliRunner().invoke(cli, [str(a) for a in args], input=input, env=env)
    assert "Traceback" not in result.output + result.stderr, result.output + result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    if code is not None:
        assert result.exit_code == code, result.output
    return result
