"""A signed PDF changed in any single byte, or with anything appended, fails `verify`.

test_signing.py already checks a one-byte change at eleven chosen places (header, body,
signature contents, end), a case change in the signature's hex, an appended incremental
update that adds content, and a signature by another certificate. Here: one byte
changed at positions drawn evenly over the whole file, and bytes appended that are not
an incremental update at all. CI draws 12 positions; for the figure in
docs/reliability.md:

    ZHASHUI_PDF_SWEEP=2000 .venv/bin/pytest tests/test_reliability_signing.py
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from reports_support import make_p12

from zhashui_inspector.core.catalogue import Catalogue
from zhashui_inspector.reports.checklist import render_checklist
from zhashui_inspector.reports.signing import sign_pdf, verify_pdf

POSITIONS = int(os.environ.get("ZHASHUI_PDF_SWEEP", "12"))
OFFICE = "中共柞水县委全面依法治县委员会办公室"


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(a signed checklist, the certificate that should verify it)."""
    folder = tmp_path_factory.mktemp("sweep")
    p12, pem = make_p12(folder, OFFICE, "sweep-passphrase")
    unsigned = render_checklist(folder / "doc.pdf", Catalogue.load(), unit="县林业局")
    out = folder / "signed.pdf"
    sign_pdf(unsigned, out, p12, "sweep-passphrase", signer_name=OFFICE)
    assert verify_pdf(out, [pem]).ok
    return out, pem


def test_one_changed_byte_anywhere_is_reported(signed: tuple[Path, Path],
                                               tmp_path: Path) -> None:
    path, pem = signed
    data = path.read_bytes()
    rnd = random.Random(54)
    step = len(data) / POSITIONS
    positions = [int(k * step + rnd.uniform(0, step)) for k in range(POSITIONS)]
    accepted = []
    target = tmp_path / "changed.pdf"
    for pos in positions:
        changed = bytearray(data)
        changed[pos] ^= 1 << rnd.randrange(8)
        target.write_bytes(bytes(changed))
        result = verify_pdf(target, [pem])
        if result.ok or not result.problem:
            accepted.append(pos)
    assert accepted == []


@pytest.mark.parametrize("tail", [b"\n", b"   \r\n", b"% a comment\n", b"junk",
                                  b"%%EOF\n", b"\x00" * 512])
def test_bytes_appended_after_signing_are_reported(signed: tuple[Path, Path],
                                                   tmp_path: Path, tail: bytes) -> None:
    path, pem = signed
    target = tmp_path / "appended.pdf"
    target.write_bytes(path.read_bytes() + tail)
    result = verify_pdf(target, [pem])
    assert not result.ok and result.problem
