"""The office folder, its keys and certificate, the passphrase lookup and issuing."""

from __future__ import annotations

import datetime
import json
import sqlite3
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from exchange_support import PASSPHRASE, issue, ledger_rows

from zhashui_inspector.core.errors import ValidationError, WorkFileError
from zhashui_inspector.core.workfile import WorkFile
from zhashui_inspector.exchange import keys as office_keys
from zhashui_inspector.exchange.office import Office


def test_init_lays_out_the_folder(office_dir: Path) -> None:
    for name in ("ledger.sqlite", "master.xlsx", "keys/office.p12", "keys/office-cert.pem"):
        assert (office_dir / name).is_file(), name
    for name in ("archive", "reports", "workbook-history"):
        assert (office_dir / name).is_dir(), name
    with Office.open(office_dir) as office:
        assert office.catalogue.hash == office.ledger.meta("catalogue_hash")
        assert len(office.catalogue.items()) == 76
        current = office.current_round()
        assert current.name == "2023年度复查验收评估"
        assert [(s.name, s.start.isoformat(), s.end.isoformat()) for s in current.stages] == [
            ("全面自查", "2023-11-17", "2023-11-26"), ("复查验收评估", "2023-11-27", "2023-12-03"),
            ("复查处理", "2023-12-04", "2023-12-08")]
        assert office.ledger.policy == office.catalogue.policy


def test_certificate_and_key(office_dir: Path) -> None:
    cert = x509.load_pem_x509_certificate((office_dir / "keys/office-cert.pem").read_bytes())
    cn = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    org = cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value
    loc = cert.subject.get_attributes_for_oid(NameOID.LOCALITY_NAME)[0].value
    assert (cn, org, loc) == ("中共柞水县委全面依法治县委员会办公室",) * 2 + ("柞水县",)
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    years = (cert.not_valid_after_utc - cert.not_valid_before_utc).days / 365.25
    assert 9.9 < years < 10.1
    data = (office_dir / "keys/office.p12").read_bytes()
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(data, None)
    key, p12_cert, _ = pkcs12.load_key_and_certificates(data, PASSPHRASE.encode())
    assert p12_cert == cert and key is not None
    with Office.open(office_dir) as office:
        assert office.keys(PASSPHRASE).office_id == office.ledger.office_id
        with pytest.raises(ValidationError, match="口令不正确"):
            office.keys("wrong passphrase")


def test_init_refuses_short_passphrase_and_existing_folder(office_dir: Path,
                                                           tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="至少需要 8 个字符"):
        Office.init(tmp_path / "short", "1234")
    with pytest.raises(ValidationError, match="已经是办公文件夹"):
        Office.init(office_dir, PASSPHRASE)
    with pytest.raises(WorkFileError, match="找不到台账"):
        Office.open(tmp_path)


def test_passphrase_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    phrase_file = tmp_path / "phrase.txt"
    phrase_file.write_text("文件里的口令\r\n", encoding="utf-8")
    monkeypatch.setenv("ZHASHUI_PASSPHRASE", "环境变量口令")
    assert office_keys.passphrase_from(str(phrase_file)) == "文件里的口令"
    assert office_keys.passphrase_from(None) == "环境变量口令"
    monkeypatch.delenv("ZHASHUI_PASSPHRASE")
    monkeypatch.setattr("sys.stdin", None)
    with pytest.raises(ValidationError, match="--passphrase-file"):
        office_keys.passphrase_from(None)
    with pytest.raises(ValidationError, match="无法读取口令文件"):
        office_keys.passphrase_from(str(tmp_path / "missing.txt"))
    (tmp_path / "empty.txt").write_text("\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="口令文件是空的"):
        office_keys.passphrase_from(str(tmp_path / "empty.txt"))


def test_passphrase_prompt_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    class Tty:
        def isatty(self) -> bool:
            return True

    answers = iter(["终端口令", "终端口令", "终端口令", "不一样"])
    monkeypatch.delenv("ZHASHUI_PASSPHRASE", raising=False)
    monkeypatch.setattr("sys.stdin", Tty())
    monkeypatch.setattr("getpass.getpass", lambda _prompt: next(answers))
    assert office_keys.passphrase_from(None, confirm=True) == "终端口令"
    with pytest.raises(ValidationError, match="两次输入的口令不一致"):
        office_keys.passphrase_from(None, confirm=True)


def test_issue_writes_a_mac_and_records_the_file(office_dir: Path, tmp_path: Path) -> None:
    out = issue(office_dir, tmp_path / "zs.sqlite", holder="张三", units=["县财政局", "下梁镇"])
    with Office.open(office_dir) as office, WorkFile.open(out, readonly=True) as wf:
        ident = wf.identity
        keys = office.keys(PASSPHRASE)
        assert ident.issued and ident.office_id == keys.office_id
        assert ident.mac == keys.mac(ident.mac_message())
        assert ident.round_name == "2023年度复查验收评估"
        assert [s.key for s in ident.stages] == ["self_check", "review", "handling"]
        assert ident.catalogue_hash == office.catalogue.hash == wf.catalogue.hash
    (row,) = ledger_rows(office_dir, "issued")
    assert row[:4] == (ident.file_id, "inspector", "张三", json.dumps(["县财政局", "下梁镇"],
                                                                     ensure_ascii=False))
    assert row[-1] == "zs.sqlite"


def test_issue_refuses_bad_input_and_records_nothing(office_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="不在本次复查验收名单"):
        issue(office_dir, tmp_path / "a.sqlite", units=["县教育局"])
    with pytest.raises(ValidationError, match="只能包含一个单位"):
        issue(office_dir, tmp_path / "b.sqlite", role="unit", units=["县财政局", "下梁镇"])
    assert ledger_rows(office_dir, "issued") == []
    assert not list(tmp_path.glob("*.sqlite"))


def test_round_changes_reach_issued_files(office_dir: Path, tmp_path: Path) -> None:
    with Office.open(office_dir) as office:
        office.set_round("2024年度复查验收评估", {
            "全面自查": (datetime.date(2024, 11, 15), datetime.date(2024, 11, 24)),
            "review": (datetime.date(2024, 11, 25), datetime.date(2024, 12, 1)),
            "复查处理": (datetime.date(2024, 12, 2), datetime.date(2024, 12, 6))})
        with pytest.raises(ValidationError, match="须给出全部三个阶段"):
            office.set_round("2025年度", {})
        with pytest.raises(ValidationError, match="开始日期晚于结束日期"):
            office.set_round(None, {"全面自查": (datetime.date(2024, 11, 30),
                                             datetime.date(2024, 11, 1))})
        with pytest.raises(ValidationError, match="须在“全面自查”结束之后开始"):
            office.set_round(None, {"review": (datetime.date(2024, 11, 20),
                                               datetime.date(2024, 12, 1))})
        with pytest.raises(ValidationError, match="没有名为“自查”的阶段"):
            office.set_round(None, {"自查": (datetime.date(2024, 11, 1),
                                           datetime.date(2024, 11, 2))})
        moved = office.set_round(None, {"复查处理": (datetime.date(2024, 12, 2),
                                                 datetime.date(2024, 12, 9))})
        assert moved.name == "2024年度复查验收评估"
        assert office.round("2023年度复查验收评估") is not None   # earlier rounds are kept
    out = issue(office_dir, tmp_path / "new.sqlite")
    with WorkFile.open(out, readonly=True) as wf:
        assert wf.identity.round_name == "2024年度复查验收评估"
        assert [(s.start.isoformat(), s.end.isoformat()) for s in wf.identity.stages] == [
            ("2024-11-15", "2024-11-24"), ("2024-11-25", "2024-12-01"),
            ("2024-12-02", "2024-12-09")]


def test_issued_files_carry_the_office_catalogue_not_the_program_one(office_dir: Path,
                                                                     tmp_path: Path) -> None:
    """A later program with a revised catalogue keeps issuing the office's snapshot."""
    conn = sqlite3.connect(office_dir / "ledger.sqlite")
    conn.execute("UPDATE cat_meta SET value = '本办留存的目录' WHERE key = 'title'")
    conn.commit()
    conn.close()
    out = issue(office_dir, tmp_path / "x.sqlite")
    with WorkFile.open(out, readonly=True) as wf:
        assert wf.catalogue.title == "本办留存的目录"
