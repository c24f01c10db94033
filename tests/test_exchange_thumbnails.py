"""The import makes the report thumbnails of the photos it accepts, and only of those."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from exchange_support import PASSPHRASE, do_import, hand_back, issue, rate_all
from PIL import Image

from zhashui_inspector.core.workfile import WorkFile
from zhashui_inspector.reports import thumbnails
from zhashui_inspector.reports.county import build_signed_report
from zhashui_inspector.reports.thumbnails import THUMB_PX, ThumbnailCache


def _photo(path: Path, colour: str, size: tuple[int, int] = (1600, 1200)) -> Path:
    img = Image.new("RGB", size, colour)
    img.paste("white", (0, 0, size[0] // 3, size[1]))
    img.save(path, "JPEG", quality=85)
    return path


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _cached(office_dir: Path) -> set[str]:
    return {p.name.split("-")[0] for p in (office_dir / "cache" / "thumbnails").glob("*/*.jpg")}


def test_import_makes_thumbnails_the_report_then_uses(office_dir: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    work = issue(office_dir, tmp_path / "zs.sqlite")
    rate_all(work, "县财政局", "达标")
    photo = _photo(tmp_path / "现场.jpg", "red")
    doc = tmp_path / "制度.txt"
    doc.write_text("制度文件", encoding="utf-8")
    with WorkFile.open(work) as wf:
        wf.add_evidence("县财政局", photo, item_no=1, kind="图片")
        wf.add_evidence("县财政局", doc, item_no=2, kind="文件")
    (result,) = do_import(office_dir, hand_back(work, tmp_path / "back.sqlite")).results
    assert result.result == "imported"

    assert _cached(office_dir) == {_sha(photo)}   # the photo, not the text file
    jpeg = ThumbnailCache(office_dir / "cache" / "thumbnails").get(_sha(photo), THUMB_PX)
    with Image.open(io.BytesIO(jpeg or b"")) as img:
        assert img.size == (THUMB_PX, 270)
        assert img.getpixel((20, 135))[1] > 200 and img.getpixel((300, 135))[1] < 80

    def no_decoding(*_args: object, **_kw: object) -> None:
        raise AssertionError("the report decoded a photo the import had already made")

    monkeypatch.setattr(thumbnails, "make_thumbnail", no_decoding)
    out = build_signed_report(office_dir, tmp_path / "county.pdf", passphrase=PASSPHRASE,
                              sign=False)
    assert out.stat().st_size > 0


def test_a_file_that_is_not_accepted_leaves_no_thumbnails(office_dir: Path,
                                                          tmp_path: Path) -> None:
    work = issue(office_dir, tmp_path / "zs.sqlite")
    early = _photo(tmp_path / "early.jpg", "blue")
    with WorkFile.open(work) as wf:
        first_ev = wf.add_evidence("县财政局", early, item_no=1, kind="图片")
    first = hand_back(work, tmp_path / "first.sqlite")
    late = _photo(tmp_path / "late.jpg", "green")
    with WorkFile.open(work) as wf:
        wf.remove_evidence(first_ev.id, reason="拍错了")
        wf.add_evidence("县财政局", late, item_no=1, kind="图片")
    second = hand_back(work, tmp_path / "second.sqlite")

    assert do_import(office_dir, second).results[0].result == "imported"
    # the older hand-back arrives later: ignored, and so is its photo
    assert do_import(office_dir, first).results[0].result == "superseded"
    assert _cached(office_dir) == {_sha(late)}


def test_an_unreadable_photo_does_not_stop_the_import(office_dir: Path, tmp_path: Path) -> None:
    work = issue(office_dir, tmp_path / "zs.sqlite")
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg" * 100)
    with WorkFile.open(work) as wf:
        wf.add_evidence("县财政局", broken, item_no=3, kind="图片")
    (result,) = do_import(office_dir, hand_back(work, tmp_path / "back.sqlite")).results
    assert result.result == "imported"
    assert _cached(office_dir) == set()


def test_cancelling_while_photos_are_decoded_leaves_nothing(office_dir: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    """The photos of a checked file are decoded on their own thread; a cancel that lands
    there leaves the file out entirely: no ledger row, no archive copy, no temp copy."""
    from zhashui_inspector.exchange import importer
    from zhashui_inspector.exchange.office import Office

    work = issue(office_dir, tmp_path / "zs.sqlite")
    rate_all(work, "县财政局", "达标")
    with WorkFile.open(work) as wf:
        wf.add_evidence("县财政局", _photo(tmp_path / "现场.jpg", "red"), item_no=1, kind="图片")
    back = hand_back(work, tmp_path / "back.sqlite")
    cancel = {"now": False}
    real = thumbnails.make_thumbnail

    def decode_then_cancel(*args: object, **kwargs: object) -> bytes:
        cancel["now"] = True          # the user presses 取消 while the photo is decoded
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(thumbnails, "make_thumbnail", decode_then_cancel)
    with Office.open(office_dir) as office:
        batch = importer.import_files(office, [back], office.keys(PASSPHRASE),
                                      abort=lambda: cancel["now"])
    assert batch.cancelled and batch.results == []
    with Office.open(office_dir) as office:
        assert office.ledger.conn.execute("SELECT count(*) FROM source").fetchone()[0] == 0
    assert list((office_dir / "archive").glob("*")) == []
    assert list((office_dir / "tmp").glob("received-*")) == []
    assert _cached(office_dir) == set()
