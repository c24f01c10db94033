"""Signing the office's PDF and verifying it: with the program and with Poppler's pdfsig."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from reports_support import make_ca_chain, make_p12, outline, page_count

from zhashui_inspector.cli.main import main
from zhashui_inspector.core.catalogue import Catalogue
from zhashui_inspector.core.errors import ValidationError
from zhashui_inspector.reports.checklist import render_checklist
from zhashui_inspector.reports.signing import sign_pdf, verify_pdf

OFFICE = "中共柞水县委全面依法治县委员会办公室"
PASSPHRASE = "test-passphrase"


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_p12(tmp_path_factory.mktemp("keys"), OFFICE, PASSPHRASE)


@pytest.fixture(scope="module")
def unsigned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_checklist(tmp_path_factory.mktemp("doc") / "doc.pdf", Catalogue.load(),
                            unit="县交通局")


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory, keys: tuple[Path, Path],
           unsigned: Path) -> Path:
    out = tmp_path_factory.mktemp("signed") / "signed.pdf"
    sign_pdf(unsigned, out, keys[0], PASSPHRASE, signer_name=OFFICE)
    return out


def test_signed_file_verifies(signed: Path, keys: tuple[Path, Path]) -> None:
    result = verify_pdf(signed, [keys[1]])
    assert result.ok, result.problem
    assert result.signer == OFFICE
    assert result.intact and result.valid and result.whole_document and result.trusted
    assert result.signing_time is not None


def test_signing_keeps_pages_and_outline(signed: Path, unsigned: Path) -> None:
    assert page_count(signed) == page_count(unsigned)
    assert outline(signed) == outline(unsigned)
    assert signed.read_bytes().startswith(unsigned.read_bytes())  # an incremental update


def test_pdfsig_reports_the_signature_valid(signed: Path) -> None:
    # scripts/setup.sh installs poppler-utils; without it this check cannot be made
    assert shutil.which("pdfsig") is not None, "pdfsig (poppler-utils) is not installed"
    out = subprocess.run(["pdfsig", str(signed)], capture_output=True, check=False)
    text = out.stdout.decode("utf-8", "replace")
    assert "Signature is Valid" in text, text
    assert "Total document signed" in text, text
    assert OFFICE in text


def test_visible_stamp_has_chinese_appearance(signed: Path) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(signed.read_bytes()), strict=False)
    (sig,) = reader.embedded_signatures
    field = sig.sig_field
    rect = [float(v) for v in field["/Rect"]]
    assert rect[2] - rect[0] > 100 and rect[3] - rect[1] > 40  # visible, not a 0×0 field
    fonts: list[str] = []

    def collect(xobject: object) -> None:
        xobject = xobject.get_object()  # type: ignore[attr-defined]
        resources = xobject.get("/Resources")
        if resources is None:
            return
        resources = resources.get_object()
        font_dict = resources.get("/Font")
        for name in (font_dict.get_object() if font_dict is not None else {}):
            fonts.append(str(font_dict.get_object()[name]["/BaseFont"]))
        xobjects = resources.get("/XObject")
        for name in (xobjects.get_object() if xobjects is not None else {}):
            collect(xobjects.get_object().raw_get(name))

    collect(field["/AP"].raw_get("/N"))
    assert any("ZhashuiKai" in f for f in fonts), fonts


def test_stamp_shows_office_and_signing_time(signed: Path, tmp_path: Path) -> None:
    # Poppler draws the field's appearance, so the stamp's text is in the page's text
    last = str(page_count(signed))
    text = subprocess.run(["pdftotext", "-f", last, "-l", last, str(signed), "-"],
                          capture_output=True, check=True).stdout.decode("utf-8")
    result = verify_pdf(signed, [])
    assert result.signing_time is not None
    local = result.signing_time.astimezone()
    assert OFFICE in text and "电子签名" in text
    assert f"签名时间：{local.year}年{local.month:02d}月{local.day:02d}日 " \
           f"{local.hour:02d}:{local.minute:02d}:{local.second:02d}" in text
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", last, "-l", last, str(signed),
                    str(tmp_path / "p")], check=True)
    from PIL import Image

    (png,) = tmp_path.glob("p*.png")
    with Image.open(png) as img:
        rgb = img.convert("RGB")
        reds = sum(1 for r, g, b in rgb.get_flattened_data() if r > 130 and g < 80 and b < 80)
    assert reds > 50  # the red frame and office name of the stamp


def test_one_byte_change_anywhere_fails(signed: Path, keys: tuple[Path, Path],
                                        tmp_path: Path) -> None:
    data = signed.read_bytes()
    size = len(data)
    contents_at = data.rindex(b"/Contents <") + len(b"/Contents <")
    positions = sorted({0, 10, size // 7, size // 3, size // 2, contents_at + 5,
                        contents_at + 4000, contents_at + 12000, size - 300, size - 2, size - 1})
    accepted = []
    for pos in positions:
        changed = bytearray(data)
        changed[pos] = (changed[pos] + 1) % 256
        target = tmp_path / f"m{pos}.pdf"
        target.write_bytes(bytes(changed))
        if verify_pdf(target, [keys[1]]).ok:
            accepted.append(pos)
    assert accepted == []


def test_case_change_in_signature_hex_fails(signed: Path, keys: tuple[Path, Path],
                                            tmp_path: Path) -> None:
    data = bytearray(signed.read_bytes())
    start = data.rindex(b"/Contents <") + len(b"/Contents <")
    pos = next(i for i in range(start, start + 200) if chr(data[i]) in "ABCDEF")
    data[pos] = ord(chr(data[pos]).lower())  # same bytes once decoded, different file
    target = tmp_path / "case.pdf"
    target.write_bytes(bytes(data))
    assert not verify_pdf(target, [keys[1]]).ok


def test_appended_update_that_changes_content_fails(signed: Path, keys: tuple[Path, Path],
                                                    tmp_path: Path) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed.read_bytes()), strict=False)
    page_ref = writer.root["/Pages"]["/Kids"].raw_get(0)
    page = page_ref.get_object()
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 700 Td (FORGED) Tj ET")
    contents = page.raw_get("/Contents")
    page["/Contents"] = generic.ArrayObject([contents, writer.add_object(stream)])
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    target = tmp_path / "appended.pdf"
    target.write_bytes(out.getvalue())
    result = verify_pdf(target, [keys[1]])
    assert not result.ok
    assert not result.whole_document


def test_signature_by_another_certificate_is_not_trusted(unsigned: Path, keys: tuple[Path, Path],
                                                         tmp_path: Path) -> None:
    other_p12, other_pem = make_p12(tmp_path / "other", "冒名办公室", "other-pass")
    forged = tmp_path / "forged.pdf"
    sign_pdf(unsigned, forged, other_p12, "other-pass", signer_name=OFFICE)
    result = verify_pdf(forged, [keys[1]])
    assert result.intact and result.valid and result.whole_document
    assert not result.trusted and not result.ok
    assert verify_pdf(forged, [other_pem]).ok  # the other certificate itself would verify it


def test_wrong_passphrase_is_a_clear_error(unsigned: Path, keys: tuple[Path, Path],
                                           tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="口令"):
        sign_pdf(unsigned, tmp_path / "x.pdf", keys[0], "wrong-passphrase", signer_name=OFFICE)
    assert not (tmp_path / "x.pdf").exists()


def test_unsigned_and_damaged_files_fail(unsigned: Path, keys: tuple[Path, Path],
                                         tmp_path: Path) -> None:
    assert not verify_pdf(unsigned, [keys[1]]).signed
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.7\nnot really a pdf\n")
    assert not verify_pdf(junk, [keys[1]]).ok


def test_seal_image_goes_into_the_stamp(unsigned: Path, keys: tuple[Path, Path],
                                        tmp_path: Path) -> None:
    from PIL import Image, ImageDraw

    seal = tmp_path / "seal.png"
    img = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    ImageDraw.Draw(img).ellipse([5, 5, 195, 195], outline=(200, 0, 0, 255), width=10)
    img.save(seal)
    out = tmp_path / "sealed.pdf"
    sign_pdf(unsigned, out, keys[0], PASSPHRASE, signer_name=OFFICE, seal=seal)
    assert verify_pdf(out, [keys[1]]).ok
    images = subprocess.run(["pdfimages", "-list", str(out)], capture_output=True,
                            check=True).stdout.decode()
    assert "smask" in images  # the seal's transparency came along


def test_verify_cli_exit_codes(signed: Path, keys: tuple[Path, Path], tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", str(signed), "--trust", str(keys[1])]) == 0
    out = capsys.readouterr().out
    for label in ("签名人：" + OFFICE, "签名时间：", "签名完整（签名后未改动）：是", "覆盖整个文件：是",
                  "签名证书受信任：是", "结论：有效"):
        assert label in out
    office = tmp_path / "office"
    (office / "keys").mkdir(parents=True)
    shutil.copy(keys[1], office / "keys" / "office-cert.pem")
    assert main(["verify", str(signed), "--office", str(office)]) == 0
    capsys.readouterr()
    assert main(["verify", str(signed)]) == 1  # nothing trusted: said so, not "无效"
    out = capsys.readouterr().out
    assert "签名证书受信任：未核对（未指定信任的证书）" in out and "无效" not in out
    assert "结论：签名完好，文件自签名以来未被改动；但未核对签发机关的证书" in out
    data = bytearray(signed.read_bytes())
    data[len(data) // 2] ^= 0x01
    modified = tmp_path / "modified.pdf"
    modified.write_bytes(bytes(data))
    assert main(["verify", str(modified), "--office", str(office)]) == 1
    out = capsys.readouterr().out
    assert "结论：无效。签名后文件内容被修改" in out
    assert "签名证书受信任：未核对（签名已不完整）" in out and "受信任：否" not in out
    assert main(["verify", str(modified)]) == 1
    assert "结论：无效。签名后文件内容被修改" in capsys.readouterr().out


def test_certificate_from_a_ca_verifies_against_the_ca_root(unsigned: Path, keys: tuple[Path, Path],
                                                            tmp_path: Path) -> None:
    p12, root = make_ca_chain(tmp_path / "ca", OFFICE, "ca-pass")
    out = tmp_path / "ca-signed.pdf"
    sign_pdf(unsigned, out, p12, "ca-pass", signer_name=OFFICE)
    result = verify_pdf(out, [root])
    assert result.ok, result.problem
    assert result.signer == OFFICE
    assert not verify_pdf(out, [keys[1]]).trusted  # the self-made certificate is not its root


def test_signing_reuses_the_key_the_office_unlocked(unsigned: Path, keys: tuple[Path, Path],
                                                    tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The passphrase check unlocks the key file once; signing must not open it again
    (a second unlock held the GIL for ~0.15 s and froze the office window)."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    from zhashui_inspector.exchange.keys import unlock_p12

    unlock_p12(keys[0], PASSPHRASE)
    opened: list[int] = []
    real = pkcs12.load_key_and_certificates
    monkeypatch.setattr(pkcs12, "load_key_and_certificates",
                        lambda *args, **kw: opened.append(1) or real(*args, **kw))
    out = tmp_path / "again.pdf"
    sign_pdf(unsigned, out, keys[0], PASSPHRASE, signer_name=OFFICE)
    assert opened == []
    assert verify_pdf(out, [keys[1]]).ok


def test_a_signed_report_that_cannot_be_written_leaves_the_earlier_one(
        signed: Path, unsigned: Path, keys: tuple[Path, Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from zhashui_inspector.reports import output

    out = tmp_path / "评估结果.pdf"
    out.write_bytes(signed.read_bytes())          # last week's signed report

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(output.os, "fsync", full)
    with pytest.raises(output.ReportNotWritten) as caught:
        sign_pdf(unsigned, out, keys[0], PASSPHRASE, signer_name=OFFICE)
    assert caught.value.message == "磁盘空间不足，未能写出报告“评估结果.pdf”"
    assert out.read_bytes() == signed.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["评估结果.pdf"]
    assert verify_pdf(out, [keys[1]]).ok
