"""Unlocking the office key once per key file and passphrase (it blocks every thread)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from exchange_support import PASSPHRASE

from zhashui_inspector.core.errors import ValidationError
from zhashui_inspector.exchange import keys as office_keys


def test_second_unlock_reuses_the_keys(office_dir: Path) -> None:
    first = office_keys.load_keys(office_dir / "keys", PASSPHRASE)
    assert office_keys.load_keys(office_dir / "keys", PASSPHRASE) is first


def test_wrong_passphrase_is_refused_after_a_right_one(office_dir: Path) -> None:
    office_keys.load_keys(office_dir / "keys", PASSPHRASE)
    with pytest.raises(ValidationError):
        office_keys.load_keys(office_dir / "keys", PASSPHRASE + "x")


def test_a_replaced_key_file_is_read_again(office_dir: Path, tmp_path: Path) -> None:
    first = office_keys.load_keys(office_dir / "keys", PASSPHRASE)
    other = office_keys.create_keys(tmp_path / "other", PASSPHRASE, "另一个办公室")
    p12 = office_dir / "keys" / office_keys.P12_NAME
    p12.write_bytes((tmp_path / "other" / office_keys.P12_NAME).read_bytes())
    st = p12.stat()
    os.utime(p12, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    again = office_keys.load_keys(office_dir / "keys", PASSPHRASE)
    assert again is not first
    assert again.office_id == other.office_id != first.office_id
