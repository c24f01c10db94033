"""Jobs in a child process: their result, their errors in Chinese, a child that dies."""

from __future__ import annotations

import os

import pytest

from zhashui_inspector.child_process import run_in_child
from zhashui_inspector.cli.main import main
from zhashui_inspector.core.errors import ValidationError, WorkFileError


def pid_and_sum(*numbers: int, offset: int = 0) -> tuple[int, int]:
    return os.getpid(), sum(numbers) + offset


def refuse(message: str) -> None:
    raise ValidationError(message, detail="english detail")


def die() -> None:
    os._exit(7)


def test_the_job_runs_in_another_process_and_returns_its_result() -> None:
    pid, total = run_in_child(pid_and_sum, 1, 2, 3, offset=10)
    assert total == 16
    assert pid != os.getpid()


def test_an_error_comes_back_with_its_type_and_chinese_message() -> None:
    with pytest.raises(ValidationError) as caught:
        run_in_child(refuse, "办公室密钥口令不正确")
    assert caught.value.message == "办公室密钥口令不正确"
    assert caught.value.detail == "english detail"


def test_a_child_that_dies_is_one_chinese_line() -> None:
    with pytest.raises(WorkFileError, match="后台进程意外退出"):
        run_in_child(die)


def test_selftest_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["selftest"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("创建标准：9 个领域、76 项指标")
    assert lines[1:] == ["报告字体：正常", "后台进程：正常", "自检通过"]


def niceness() -> int | None:
    return os.nice(0) if hasattr(os, "nice") else None


def test_the_child_yields_the_processor_to_the_window() -> None:
    mine = niceness()
    # POSIX: five steps lower; elsewhere (no nice) the child keeps the normal priority
    assert run_in_child(niceness) == (None if mine is None else mine + 5)


def test_a_job_named_by_its_module_is_imported_only_in_the_child() -> None:
    """The office window names its report job, so its own process never loads reportlab
    and pyHanko (their import held the interpreter lock and froze the window)."""
    import sys

    sys.modules.pop("child_job", None)
    pid, loaded_there, value = run_in_child("child_job:where", 41)
    assert (loaded_there, value) == (True, 42)
    assert pid != os.getpid()
    assert "child_job" not in sys.modules
