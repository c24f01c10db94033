"""Where hostile returned files are made: an office, a scratch folder, and what a forger
holding the program's own code can do (rows plus audit entries that match them).

Used by hostile_files.py and the reliability tests; nothing here damages a file.
"""

from __future__ import annotations

import functools
import json
import shutil
import sqlite3
import struct
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

from exchange_support import hand_back, issue

from zhashui_inspector.core import audit, blobstore
from zhashui_inspector.core.records import now_iso
from zhashui_inspector.core.workfile import WorkFile

UNIT, TOWN = "县财政局", "下梁镇"
FORMULAS = ("=HYPERLINK(\"http://example.com\",\"点此\")", "+cmd|' /C calc'!A0", "-1+2",
            "@SUM(A1:A9)", "\t=1+1", "\r=1+1", "=1+1")
MARKUP = ("<b>粗体</b>", "<font color=\"red\" size=\"40\">红字</font>", "A & B &amp; C",
          "<para>段落</para>", "<img src=\"x.png\"/>", "</td></tr>")
SQL = "'); DROP TABLE source; --"
LARGE_EVIDENCE = 300 << 20


class Workshop:
    """An office folder and a scratch folder in which hostile files are made."""

    def __init__(self, office: Path, scratch: Path) -> None:
        self.office = office
        self.scratch = scratch
        scratch.mkdir(parents=True, exist_ok=True)
        self._count = 0

    def returned(self, *, holder: str = "张三", units: Sequence[str] = (UNIT, TOWN),
                 role: str = "inspector",
                 edit: Callable[[WorkFile], None] | None = None) -> Path:
        """A freshly issued file, edited through the core and handed back."""
        self._count += 1
        work = issue(self.office, self.scratch / f"issued-{self._count}.sqlite", role=role,
                     holder=holder, units=units)
        if edit is not None:
            with WorkFile.open(work) as wf:
                edit(wf)
        return hand_back(work, self.scratch / f"returned-{self._count}.sqlite")

    @functools.cached_property
    def good(self) -> Path:
        """The template: every item of one unit rated and signed off, a photo, a comment."""
        def edit(wf: WorkFile) -> None:
            wf.conn.execute("PRAGMA synchronous = OFF")   # speed only; it is a test file
            photo = self.scratch / "公示栏.jpg"
            photo.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 64)
            wf.add_evidence(UNIT, photo, item_no=3, kind="图片", caption="公示栏")
            wf.update_item(TOWN, 9, rating="未达标", methods=["实地查看"], comment="未公开")
            for item in wf.catalogue.items():
                wf.update_item(UNIT, item.no, rating="达标", methods=["查阅资料"],
                               comment="资料齐全")
            wf.sign_off(UNIT, "张三")
        return self.returned(edit=edit)

    def copy_good(self, out: Path) -> Path:
        shutil.copyfile(self.good, out)
        return out


# ---- what a forger with the program's code does: rows plus matching audit entries ----

def forge(path: Path, change: Callable[[sqlite3.Connection], None]) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        change(conn)
        conn.execute("COMMIT")
    finally:
        conn.close()


def forged_rating(conn: sqlite3.Connection, unit: str, no: int, rating: str | None, *,
                  methods: Sequence[str] = (), comment: str = "", reason: str = "") -> None:
    conn.execute("INSERT OR REPLACE INTO rating VALUES (?,?,?,?,?,?,?)",
                 (unit, no, rating, json.dumps(list(methods), ensure_ascii=False), comment,
                  reason, now_iso()))
    audit.append(conn, now_iso(), "张三", "rate", unit, no, {
        "rating": rating, "methods": list(methods), "comment": comment, "reason": reason})


def forged_evidence(conn: sqlite3.Connection, unit: str, name: str, content: bytes, *,
                    item_no: int | None = 1, caption: str = "") -> None:
    sha = blobstore.store_bytes(conn, content)
    cur = conn.execute(
        "INSERT INTO evidence (unit, item_no, sha256, name, kind, caption, size, added_at, mime)"
        " VALUES (?,?,?,?,?,?,?,?,?)", (unit, item_no, sha, name, "其他", caption,
                                        len(content), now_iso(), "application/octet-stream"))
    audit.append(conn, now_iso(), "张三", "evidence_add", unit, item_no, {
        "id": cur.lastrowid, "unit": unit, "item_no": item_no, "sha256": sha, "name": name,
        "kind": "其他", "caption": caption, "size": len(content)})


def bomb_png(width: int = 20_000, height: int = 20_000) -> bytes:
    """A 1-bit PNG of width×height blank pixels: ~60 KB that decodes to 400 megapixels."""
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(
            ">I", zlib.crc32(tag + data))
    row = b"\x00" * (1 + (width + 7) // 8)
    packer = zlib.compressobj(9)
    body = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0,
                                                              0, 0, 0))
            + chunk(b"IDAT", body) + chunk(b"IEND", b""))
