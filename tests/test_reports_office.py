"""`office report` end to end: issue, fill, hand back, import, then the signed report."""

from __future__ import annotations

from pathlib import Path

import pytest
from exchange_support import PASSPHRASE, do_import, hand_back, issue
from reports_support import outline, pdf_text, squeeze

from zhashui_inspector.cli.main import main
from zhashui_inspector.core.demo import demo_photo, signature_png
from zhashui_inspector.core.workfile import WorkFile
from zhashui_inspector.reports.signing import verify_pdf

UNIT = "县财政局"


@pytest.fixture
def office_with_data(office_dir: Path, tmp_path: Path) -> Path:
    zs = issue(office_dir, tmp_path / "zs.sqlite", holder="张三", units=[UNIT])
    ls = issue(office_dir, tmp_path / "ls.sqlite", holder="李四", units=[UNIT])
    photo = tmp_path / "公示栏.jpg"
    photo.write_bytes(demo_photo("县财政局 · 公示栏", 3))
    with WorkFile.open(zs) as wf:
        for no in range(1, 77):
            wf.update_item(UNIT, no, rating="达标" if no != 20 else "未达标",
                           methods=["查阅资料"], comment="<b>资料</b> & 台账" if no == 1 else "")
        wf.add_evidence(UNIT, photo, item_no=3, kind="图片", caption="公示栏照片")
        wf.sign_off(UNIT, "张三", signature_png("张三"))
    with WorkFile.open(ls) as wf:
        for no in range(1, 77):
            wf.update_item(UNIT, no, rating="达标" if no != 30 else "基本达标",
                           methods=["听取汇报"])
    do_import(office_dir, hand_back(zs, tmp_path / "zs-back.sqlite"),
              hand_back(ls, tmp_path / "ls-back.sqlite"))
    return office_dir


def test_office_report_is_signed_and_verifies(office_with_data: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    phrase = tmp_path / "phrase.txt"
    phrase.write_text(PASSPHRASE, encoding="utf-8")
    out = tmp_path / "county.pdf"
    assert main(["office", "report", str(office_with_data), "-o", str(out),
                 "--passphrase-file", str(phrase)]) == 0
    assert "已签名" in capsys.readouterr().out
    assert main(["verify", str(out), "--office", str(office_with_data)]) == 0
    result = verify_pdf(out, [office_with_data / "keys" / "office-cert.pem"])
    assert result.ok
    text = pdf_text(out)
    flat = squeeze(text)
    # items 20 and 30 disagree between the inspectors: open conflicts, said prominently
    assert "尚有 2 处评定分歧未处理" in text.split("\f")[0]
    assert squeeze("<b>资料</b> & 台账") in flat
    assert [t for lvl, t, _p in outline(out) if lvl == 0][0] == "一、全县汇总"
    assert "草稿" not in flat                       # signed: not a draft


def test_unit_report_draft_and_wrong_passphrase(office_with_data: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    draft = tmp_path / "unit.pdf"
    assert main(["office", "report", str(office_with_data), "-o", str(draft), "--unit", UNIT,
                 "--no-sign"]) == 0
    assert not verify_pdf(draft, []).signed
    assert outline(draft)[0][:2] == (0, UNIT)
    pages = pdf_text(draft).split("\f")
    marked = [p for p in pages if p.strip() and "草稿，未经签章，不作正式发布" in squeeze(p)]
    assert len(marked) == len([p for p in pages if p.strip()]) > 1   # on every page
    bad = tmp_path / "bad.txt"
    bad.write_text("not-the-passphrase", encoding="utf-8")
    assert main(["office", "report", str(office_with_data), "-o", str(tmp_path / "x.pdf"),
                 "--passphrase-file", str(bad)]) == 1
    assert "口令" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_an_item_in_open_disagreement_is_pending_in_every_table(office_with_data: Path,
                                                                tmp_path: Path) -> None:
    out = tmp_path / "unit.pdf"
    assert main(["office", "report", str(office_with_data), "-o", str(out), "--unit", UNIT,
                 "--no-sign"]) == 0
    flat = squeeze(pdf_text(out, raw=True))  # raw: cell by cell
    # items 20 and 30: in the 整改清单 and in the 评定明细 alike, never "未评"
    assert flat.count("待定（评定分歧未裁定）") == 4
    assert flat.count("未评") == flat.count("未评完")  # only "74 / 76 项（未评完）"


def test_rectification_list_for_one_unit_is_signed(office_with_data: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    phrase = tmp_path / "phrase.txt"
    phrase.write_text(PASSPHRASE, encoding="utf-8")
    out = tmp_path / "整改清单.pdf"
    assert main(["office", "report", str(office_with_data), "-o", str(out), "--unit", UNIT,
                 "--rectification", "--passphrase-file", str(phrase)]) == 0
    assert verify_pdf(out, [office_with_data / "keys" / "office-cert.pem"]).ok
    text = pdf_text(out)
    assert f"{UNIT}整改清单" in text and "发布单位" in text
    # items 20 and 30 are disputed (one inspector rated them down): listed as pending
    flat = squeeze(text)
    assert "评定分歧待处理2项" in flat and flat.count("待定") == 2
    assert main(["office", "report", str(office_with_data), "-o", str(tmp_path / "y.pdf"),
                 "--rectification", "--no-sign"]) == 1
    assert "--unit" in capsys.readouterr().err
