"""Hostile and broken returned files, made from files the office really issued.

Every kind starts from a work file issued by an office (`issue_work_file`, as `office
issue` does), edited through the core and handed back, and is then damaged with sqlite3
or bytes, as a failing USB stick, a careless user or a forger holding the program's own
code would. `KINDS` says for each kind what the office must do with it: refuse it with
its own Chinese reason (`reason`, the start of the message), or import it safely
(`reason` None). test_reliability_hostile.py imports them and checks the promises.
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from exchange_support import PASSPHRASE, hand_back, issue, tamper
from reliability_workshop import (
    FORMULAS,
    LARGE_EVIDENCE,
    MARKUP,
    SQL,
    TOWN,
    UNIT,
    Workshop,
    bomb_png,
    forge,
    forged_evidence,
    forged_rating,
)

from zhashui_inspector.core.workfile import WorkFile
from zhashui_inspector.exchange.office import Office

__all__ = ["EVIDENCE_NAMES", "FORMULAS", "KINDS", "LARGE_EVIDENCE", "MARKUP", "SQL", "TOWN",
           "UNIT", "Kind", "Workshop", "make"]

Make = Callable[[Workshop, Path], None]     # writes the hostile file at the given path


@dataclass(frozen=True)
class Kind:
    name: str
    summary: str
    make: Make
    reason: str | None                         # start of the refusal; None: imported safely
    large: bool = False                        # hundreds of megabytes: tested on its own

    @property
    def accepted(self) -> bool:
        return self.reason is None


KINDS: dict[str, Kind] = {}


def kind(reason: str | None = None, *, large: bool = False) -> Callable[[Make], Make]:
    def register(make: Make) -> Make:
        KINDS[make.__name__] = Kind(make.__name__, (make.__doc__ or "").strip(), make, reason,
                                    large)
        return make
    return register


def make(w: Workshop, name: str) -> Path:
    """The hostile file of one kind, in the workshop's scratch folder."""
    out = w.scratch / f"{name}.sqlite"
    KINDS[name].make(w, out)
    return out


# ---- bytes: broken copies and things that are not work files ---------------------------

@kind("文件已损坏")
def truncated(w: Workshop, out: Path) -> None:
    """Cut in half, as by a USB stick pulled out while copying."""
    data = w.good.read_bytes()
    out.write_bytes(data[: len(data) // 2])


@kind("文件已损坏")
def header_only(w: Workshop, out: Path) -> None:
    """Nothing but the first 100 bytes (the SQLite header)."""
    out.write_bytes(w.good.read_bytes()[:100])


@kind("不是 SQLite 数据库文件")
def random_bytes(w: Workshop, out: Path) -> None:
    """64 KB of random bytes."""
    out.write_bytes(random.Random(7).randbytes(65536))


@kind("文件已损坏")
def random_after_header(w: Workshop, out: Path) -> None:
    """The SQLite magic string followed by random bytes."""
    out.write_bytes(b"SQLite format 3\x00" + random.Random(8).randbytes(200_000))


@kind("不是 SQLite 数据库文件")
def zero_bytes(w: Workshop, out: Path) -> None:
    """An empty file."""
    out.write_bytes(b"")


@kind("不是 SQLite 数据库文件")
def html_renamed(w: Workshop, out: Path) -> None:
    """A web page saved under the work file's name."""
    out.write_text("<!DOCTYPE html><html><body><h1>复查验收</h1></body></html>", "utf-8")


@kind("不是 SQLite 数据库文件")
def workbook_renamed(w: Workshop, out: Path) -> None:
    """The office's own master workbook renamed to .sqlite."""
    shutil.copyfile(w.office / "master.xlsx", out)


@kind("不是柞水县复查验收评估的工作文件")
def office_ledger(w: Workshop, out: Path) -> None:
    """The office's own ledger handed in as if it were a returned file."""
    conn = sqlite3.connect(w.office / "ledger.sqlite")
    try:
        conn.execute("VACUUM INTO ?", (str(out),))
    finally:
        conn.close()


@kind("不是柞水县复查验收评估的工作文件")
def other_database(w: Workshop, out: Path) -> None:
    """Some other program's SQLite database."""
    tamper(out, "CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)",
           "INSERT INTO moz_places (url) VALUES ('https://example.com')")


@kind("文件已损坏")
def huge_page_count(w: Workshop, out: Path) -> None:
    """A header that claims two billion pages."""
    data = bytearray(w.good.read_bytes())
    data[28:32] = struct.pack(">I", 0x7FFFFFFF)
    data[92:96] = data[24:28]                  # make SQLite trust the claimed size
    out.write_bytes(bytes(data))


@kind("无法读取文件：这不是普通文件")
def named_pipe(w: Workshop, out: Path) -> None:
    """A FIFO: opening it would wait for a writer forever."""
    os.mkfifo(out)


@kind("无法读取文件：这不是普通文件")
def link_to_device(w: Workshop, out: Path) -> None:
    """A symbolic link to /dev/zero: reading it never ends."""
    out.symlink_to("/dev/zero")


@kind("无法读取文件：这是文件夹")
def folder(w: Workshop, out: Path) -> None:
    """A folder named like a work file."""
    out.mkdir()


@kind(None)
def symlink(w: Workshop, out: Path) -> None:
    """A symbolic link to a real returned file: imported, the archive keeps the bytes."""
    out.symlink_to(w.returned(holder="链接"))


# ---- not this office's files ------------------------------------------------------------

@kind("不是本办下发的工作文件（由“")
def other_office(w: Workshop, out: Path) -> None:
    """A valid file issued by another office's key."""
    other = w.scratch / "other-office"
    if not other.exists():
        Office.init(other, PASSPHRASE).close()
    hand_back(issue(other, w.scratch / "other-issued.sqlite"), out)


@kind("不是本办下发的工作文件（练习文件")
def practice_file(w: Workshop, out: Path) -> None:
    """A practice file the inspector made on their own."""
    work = w.scratch / "practice.sqlite"
    WorkFile.create(work, role="inspector", holder="张三", units=[UNIT]).close()
    hand_back(work, out)


# ---- a copy of the template changed with plain SQL: summary, reason, statements ---------

TAMPERED: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "mac_forged": ("A MAC of the right length made without the office key.", "身份校验码不符",
                   (f"UPDATE identity SET value = '{'ab' * 32}' WHERE key = 'mac'",)),
    "mac_removed": ("The MAC deleted.", "不是本办下发的工作文件（练习文件",
                    ("DELETE FROM identity WHERE key = 'mac'",)),
    "units_widened": ("A unit added to the scope after issue.", "被评估单位在下发后被改动",
                      ("INSERT INTO scope_unit VALUES ('县林业局', 2)",)),
    "role_changed": ("An inspector's file turned into a unit's.", "文件角色在下发后被改动",
                     ("UPDATE identity SET value = 'unit' WHERE key = 'role'",)),
    "holder_changed": ("Another holder's name.", "持有人在下发后被改动",
                       ("UPDATE identity SET value = '李四' WHERE key = 'holder'",)),
    "issue_time_changed": (
        "The same file id with a different issue time.",
        "文件编号与下发记录相同，但下发时间或轮次不同",
        ("UPDATE identity SET value = '2023-11-01T09:00:00+08:00' WHERE key = 'issued_at'",)),
    "newer_format": ("Written by a newer program (format version 3).",
                     "文件由较新版本的程序生成（格式 3，", ("PRAGMA user_version = 3",)),
    "catalogue_edited": ("An item of the embedded standards reworded.",
                         "文件内嵌的创建标准被改动过",
                         ("UPDATE cat_item SET text = text || '（已放宽）' WHERE no = 30",)),
    "methods_malformed": ("A methods list that is not a list of words.",
                          "下梁镇 第 9 项的核查方式无法解读",
                          ("UPDATE rating SET methods = '{\"查阅资料\": 1}' WHERE unit = '下梁镇'",)),
    "wrong_type": ("A stage date stored as a blob.", "文件中的数据类型不对（round_stage.end）",
                   ("UPDATE round_stage SET \"end\" = x'2023' WHERE key = 'review'",)),
    "invalid_utf8": ("A comment that is not valid UTF-8.", "文件已损坏（读取数据时出错）",
                     ("UPDATE rating SET comment = CAST(x'e6a2c328ff' AS TEXT)"
                      " WHERE unit = '下梁镇'",)),
    "audit_chain_broken": ("An audit entry's actor rewritten.",
                           "审计日志链断裂或与数据不符：审计日志第 2 条记录被改动过",
                           ("UPDATE audit SET actor = '王五' WHERE seq = 2",)),
    "evidence_not_its_hash": ("Evidence bytes replaced (same size, different content).",
                              "佐证材料“公示栏.jpg”的内容与其校验值不符",
                              ("UPDATE blob SET content = randomblob(size) WHERE size > 1000",)),
    "evidence_size_lies": ("Evidence whose recorded sizes claim ten terabytes.",
                           "佐证材料“公示栏.jpg”的内容与其校验值不符",
                           ("UPDATE blob SET size = 10000000000000 WHERE size > 1000",
                            "UPDATE evidence SET size = 10000000000000")),
    "trigger_injected": ("A trigger that would wipe the ratings on the next write.",
                         "文件含有本程序不会写入的数据库结构（触发器“",
                         ("CREATE TRIGGER wipe AFTER INSERT ON audit BEGIN"
                          " DELETE FROM rating; END",)),
    "view_injected": ("A table replaced by a view whose query never ends.",
                      "文件含有本程序不会写入的数据库结构（视图“",
                      ("DROP TABLE self_report",
                       "CREATE VIEW self_report (unit, text, updated_at) AS WITH RECURSIVE"
                       " n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n)"
                       " SELECT '县财政局', '', '' FROM n WHERE x < 0")),
}


def _tampered(statements: tuple[str, ...]) -> Make:
    def make(w: Workshop, out: Path) -> None:
        tamper(w.copy_good(out), *statements)
    return make


for _name, (_summary, _reason, _statements) in TAMPERED.items():
    KINDS[_name] = Kind(_name, _summary, _tampered(_statements), _reason)


# ---- forged with the program's code: the rows and audit entries that match them ---------

@kind("含有创建标准中没有的指标（县财政局 第 77 项）")
def item_77(w: Workshop, out: Path) -> None:
    """A rating of item 77 (there are 76), with a matching audit entry."""
    forge(w.copy_good(out), lambda c: forged_rating(c, UNIT, 77, "达标"))


@kind("含有下发范围以外单位的数据（县林业局）")
def unit_out_of_scope(w: Workshop, out: Path) -> None:
    """Ratings of a unit the file was not issued for."""
    forge(w.copy_good(out), lambda c: forged_rating(c, "县林业局", 1, "未达标"))


@kind(f"含有下发范围以外单位的数据（{SQL}）")
def sql_in_unit(w: Workshop, out: Path) -> None:
    """A unit named like an SQL injection."""
    forge(w.copy_good(out), lambda c: forged_rating(c, SQL, 1, "达标"))


@kind("下梁镇 第 12 项评为“不适用”但未说明理由")
def na_without_reason(w: Workshop, out: Path) -> None:
    """不适用 without the required reason."""
    forge(w.copy_good(out), lambda c: forged_rating(c, TOWN, 12, "不适用"))


@kind("“县财政局”签字确认后数据又被改动")
def changed_after_signoff(w: Workshop, out: Path) -> None:
    """A signed-off unit's rating changed, with a matching audit entry."""
    forge(w.copy_good(out), lambda c: forged_rating(c, UNIT, 5, "未达标", comment="改"))


# ---- imported safely: odd but allowed text and evidence --------------------------------

@kind(None)
def wal_sidecar_missing(w: Workshop, out: Path) -> None:
    """A file in WAL mode copied without its -wal: the last edit is simply not there."""
    back = w.returned(holder="预写日志", units=[TOWN],
                      edit=lambda wf: wf.update_item(TOWN, 1, rating="达标"))
    with WorkFile.open(back) as wf:
        wf.conn.execute("PRAGMA wal_autocheckpoint = 0")
        wf.update_item(TOWN, 2, rating="未达标", comment="只在 -wal 中")
        shutil.copyfile(back, out)
        assert Path(f"{back}-wal").stat().st_size > 0


@kind(None)
def duplicate_evidence_rows(w: Workshop, out: Path) -> None:
    """The same evidence twice (same content, same name, two records)."""
    back = w.returned(holder="重复材料", units=[TOWN])
    forge(back, lambda c: [forged_evidence(c, TOWN, "照片.jpg", b"same") for _ in range(2)])
    shutil.move(back, out)


@kind(None)
def nul_in_text(w: Workshop, out: Path) -> None:
    """NUL and other control characters inside a comment and a self-report."""
    def edit(wf: WorkFile) -> None:
        wf.update_item(TOWN, 1, rating="达标", comment="前\x00后\x07\x1b[31m")
        wf.set_self_report(TOWN, "自评\x00报告")
    shutil.move(w.returned(holder="控制字符", units=[TOWN], edit=edit), out)


@kind(None)
def comment_10mb(w: Workshop, out: Path) -> None:
    """A 10 MB comment (Excel holds 32,767 characters per cell)."""
    text = "超长意见" * (10 * 1024 * 1024 // 12)
    shutil.move(w.returned(holder="超长", units=[TOWN], edit=lambda wf: wf.update_item(
        TOWN, 1, rating="达标", comment=text)), out)


@kind(None)
def formula_text(w: Workshop, out: Path) -> None:
    """Spreadsheet formulas as holder, comments, reasons, caption and self-report."""
    def edit(wf: WorkFile) -> None:
        for no, text in enumerate(FORMULAS, 1):
            wf.update_item(TOWN, no, rating="不适用", comment=text, reason=text)
        wf.set_self_report(TOWN, FORMULAS[0])
        src = w.scratch / "formula.txt"
        src.write_bytes(b"=1+1")
        wf.add_evidence(TOWN, src, item_no=1, kind="文件", caption=FORMULAS[1])
    shutil.move(w.returned(holder=FORMULAS[0], units=[TOWN], edit=edit), out)


@kind(None)
def pdf_markup(w: Workshop, out: Path) -> None:
    """Report markup (<b>, <font>, &, <para>) in every text a report prints."""
    def edit(wf: WorkFile) -> None:
        for no, text in enumerate(MARKUP, 1):
            wf.update_item("杏坪镇", no, rating="不适用", comment=text, reason=text)
        wf.set_self_report("杏坪镇", " ".join(MARKUP))
    shutil.move(w.returned(holder="<b>评估组</b> & 张三", units=["杏坪镇"], edit=edit), out)


@kind(None)
def sql_in_text(w: Workshop, out: Path) -> None:
    """SQL injection attempts as holder, comment and self-report."""
    def edit(wf: WorkFile) -> None:
        wf.update_item(TOWN, 1, rating="达标", comment=SQL)
        wf.set_self_report(TOWN, "x'; DELETE FROM rating; --")
    shutil.move(w.returned(holder=SQL, units=[TOWN], edit=edit), out)


EVIDENCE_NAMES = {
    "evidence_parent_path": "../../x",
    "evidence_windows_path": "C:\\x",
    "evidence_device_name": "con",
    "evidence_control_chars": "a\x07b\x1b[2Jc\r\n.jpg",
    "evidence_300_chars": "长" * 296 + ".jpg",
}


def _evidence_named(shown: str) -> Make:
    def make(w: Workshop, out: Path) -> None:
        back = w.returned(holder=f"材料名{len(shown)}", units=[TOWN])
        forge(back, lambda c: forged_evidence(c, TOWN, shown, b"evidence"))
        shutil.move(back, out)
    return make


for _name, _shown in EVIDENCE_NAMES.items():
    KINDS[_name] = Kind(_name, f"Evidence named {_shown!r} (the program never writes such a"
                        " name; a forger can)", _evidence_named(_shown), None)


@kind(None)
def evidence_empty(w: Workshop, out: Path) -> None:
    """Zero-byte evidence."""
    src = w.scratch / "空.txt"
    src.write_bytes(b"")
    shutil.move(w.returned(holder="空材料", units=[TOWN], edit=lambda wf: wf.add_evidence(
        TOWN, src, item_no=2, kind="文件")), out)


@kind(None)
def decompression_bomb(w: Workshop, out: Path) -> None:
    """A small PNG that would decode to 400 megapixels (imported; no thumbnail is made)."""
    src = w.scratch / "炸弹.png"
    src.write_bytes(bomb_png())
    shutil.move(w.returned(holder="图片炸弹", units=["杏坪镇"], edit=lambda wf: wf.add_evidence(
        "杏坪镇", src, item_no=1, kind="图片")), out)


@kind(None, large=True)
def evidence_300mb(w: Workshop, out: Path) -> None:
    """300 MB of evidence (mostly a sparse hole, with random bytes at both ends)."""
    src = w.scratch / "录像.mp4"
    with open(src, "wb") as fh:
        fh.write(os.urandom(1 << 20))
        fh.truncate(LARGE_EVIDENCE - (1 << 20))
        fh.seek(0, os.SEEK_END)
        fh.write(os.urandom(1 << 20))

    def edit(wf: WorkFile) -> None:
        wf.conn.execute("PRAGMA synchronous = OFF")   # speed only; it is a test file
        wf.add_evidence(TOWN, src, item_no=4, kind="其他", caption="现场录像")
    shutil.move(w.returned(holder="大文件", units=[TOWN], edit=edit), out)
    src.unlink()
