"""Report benchmarks: a county report with 200 photo thumbnails, and signing it.

    python benchmarks/bench_reports.py [--photos 200] [--distinct 10] [--originals]

The photos are 4000×3000 JPEGs with fine detail (`common.photo_jpeg`, about 4 MB each);
`--distinct` different pictures are each stored several times, as different evidence
rows (every row is thumbnailed on its own, as in a real report). Thumbnails are always
decoded from the photo itself (scaled JPEG decoding), never taken from an EXIF preview.
Two cases: a report whose thumbnails are in the office's cache (keyed by content hash;
the office import makes them for every photo it accepts, so this is the first report
after an import as well as every later one), and a report with an empty cache (e.g.
after `cache/` was deleted), which decodes every photo. The decoding the import took
over is timed on its own, with the import's two worker threads.
Baselines, measured in the same run:

- reportlab with ready-made thumbnails: the same story built by plain reportlab
  (SimpleDocTemplate, no running header, page total, outline, contents or metadata) from
  thumbnails made before the clock starts: the pure layout cost, the strict baseline.
- with `--originals`, reportlab with the photos themselves: what reportlab alone does
  with the same content when handed the original files (it embeds every 4 MB photo at
  full size). It takes over a minute and about 16 GB of memory for 200 photos, so it is
  left out unless asked for.

Signing is timed cold (the first signature of the process, PKCS#12 decryption
included) and warm (the median of later ones; the signer is loaded once). Prints a
table; asserts nothing.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import sys
import tempfile
import time
from pathlib import Path

from common import median_time, peak_rss_mb, photo_jpeg, table

from zhashui_inspector.core.demo import make_demo
from zhashui_inspector.core.workfile import WorkFile
from zhashui_inspector.reports import county
from zhashui_inspector.reports.data import CountyData, EvidenceRow
from zhashui_inspector.reports.signing import sign_pdf
from zhashui_inspector.reports.thumbnails import make_thumbnails
from zhashui_inspector.reports.workfile_data import county_data


def with_photos(data: CountyData, photos: list[bytes], count: int) -> CountyData:
    """The demo's units with `count` photo evidence rows spread over them."""
    units = list(data.units)
    extra: list[list[EvidenceRow]] = [[] for _ in units]
    for i in range(count):
        blob = photos[i % len(photos)]
        extra[i % len(units)].append(EvidenceRow(
            unit=units[i % len(units)].name, item_no=1 + i % 76, name=f"现场照片{i:03d}.jpg",
            kind="图片", caption=f"现场查看照片 {i + 1}", size=len(blob), sha256=f"{i:064x}",
            source="benchmark.sqlite", mime="image/jpeg", load=lambda b=blob: b))
    units = [dataclasses.replace(u, evidence=tuple(extra[k])) for k, u in enumerate(units)]
    return dataclasses.replace(data, units=tuple(units))


def plain_reportlab(data: CountyData, out: Path, images: list[bytes | None]) -> None:
    """The same story, laid out by plain reportlab with the given image bytes (and with
    reportlab's own Paragraph, which breaks its lines again at every wrap)."""
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    from zhashui_inspector.reports import layout
    from zhashui_inspector.reports.styles import (
        MARGIN_BOTTOM,
        MARGIN_LEFT,
        MARGIN_RIGHT,
        MARGIN_TOP,
        PAGE,
    )
    from zhashui_inspector.reports.unit_report import unit_section

    doc = SimpleDocTemplate(str(out), pagesize=PAGE, leftMargin=MARGIN_LEFT,
                            rightMargin=MARGIN_RIGHT, topMargin=MARGIN_TOP,
                            bottomMargin=MARGIN_BOTTOM)
    ours = layout.Para
    layout.Para = Paragraph   # type: ignore[misc]
    try:
        story = county.title_block(data, "柞水县" + county.COUNTY_TITLE) \
            + county.county_summary(data)
        at = 0
        for unit in data.units:
            n = len(unit.evidence)
            story += [PageBreak()] + unit_section(unit, data.catalogue, data.policy, level=0,
                                                  thumbnails=images[at:at + n],
                                                  rules_in="".join(county.RULES))
            at += n
    finally:
        layout.Para = ours   # type: ignore[misc]
    doc.build(story)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=200)
    parser.add_argument("--distinct", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--originals", action="store_true",
                        help="also the baseline that embeds the 4 MB photos themselves "
                             "(over a minute, about 16 GB of memory for 200 photos)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        print(f"making {args.distinct} photos of 4000×3000 …", file=sys.stderr)
        photos = [photo_jpeg(seed) for seed in range(args.distinct)]
        demo = make_demo(tmp / "demo.sqlite")
        results = {}
        with WorkFile.open(demo, readonly=True) as wf:
            base = county_data(wf)
            data = with_photos(base, photos, args.photos)
            loaders = [e.load for u in data.units for e in u.evidence]
            ready = make_thumbnails(loaders)
            t_layout = median_time(
                lambda: plain_reportlab(data, tmp / "plain.pdf", ready), args.repeat)
            t_thumbs = median_time(lambda: make_thumbnails(loaders, workers=2), args.repeat)
            out = tmp / "county.pdf"
            t_cold = median_time(lambda: county.render_report(data, out), args.repeat)
            cached = dataclasses.replace(data, thumbnail_cache=tmp / "thumbs")
            county.render_report(cached, out)  # fills the cache
            t_warm = median_time(lambda: county.render_report(cached, out), args.repeat)
            results["first"] = (t_cold, _pages(out), out.stat().st_size)
            results["later"] = (t_warm, _pages(out), out.stat().st_size)
            # the process's peak so far: the originals baseline below holds every photo
            peak_ours = peak_rss_mb()
            t_originals = 0.0
            size_originals = 0
            if args.originals:
                originals: list[bytes | None] = [e.load() for u in data.units for e in u.evidence
                                                 if e.load is not None]
                start = time.perf_counter()
                plain_reportlab(data, tmp / "originals.pdf", originals)
                t_originals = time.perf_counter() - start
                size_originals = (tmp / "originals.pdf").stat().st_size

        from zhashui_inspector.exchange.keys import create_keys

        create_keys(tmp / "keys", "benchmark-pass")  # the office's real key: RSA-3072
        p12 = tmp / "keys" / "office.p12"
        out = tmp / "county.pdf"
        signed = tmp / "signed.pdf"
        start = time.perf_counter()
        sign_pdf(out, signed, p12, "benchmark-pass", signer_name="县委依法治县办")
        t_sign_cold = time.perf_counter() - start
        t_sign_warm = median_time(lambda: sign_pdf(out, signed, p12, "benchmark-pass",
                                                   signer_name="县委依法治县办"), 5)

    mb = 1024 * 1024
    rows = []
    for kind, label in (("later", "thumbnails made by the import (cached)"),
                        ("first", "empty thumbnail cache (all decoded)")):
        t_ours, pages, size = results[kind]
        rows.append((f"county report, {args.photos} photos, {label}, {pages} pages, "
                     f"{size / mb:.1f} MB", f"{t_ours:.2f} s", f"{t_layout:.2f} s",
                     f"{t_ours / t_layout:.2f}×", "≤ 1.5×"))
    rows.append((f"  {args.photos} thumbnails decoded (2 threads, as the import does)",
                 f"{t_thumbs:.2f} s", "", "", ""))
    if t_originals:
        rows.append(("empty-cache report vs reportlab given the photos themselves",
                     f"{results['first'][0]:.2f} s", f"{t_originals:.2f} s",
                     f"{results['first'][0] / t_originals:.2f}×",
                     f"its PDF {size_originals / mb:.0f} MB"))
    rows += [
        ("sign the county report, warm (signer loaded once)", f"{t_sign_warm * 1000:.0f} ms",
         "", "", "< 500 ms"),
        ("sign, cold (first in the process, PKCS#12 unlocked)",
         f"{t_sign_cold * 1000:.0f} ms", "", "", ""),
    ]
    table("Report benchmarks", rows)
    print(f"peak memory of the process: {peak_ours:.0f} MB up to and with the reports"
          + (f", {peak_rss_mb():.0f} MB with the baseline given the photos themselves"
             if args.originals else ""))
    return 0


def _pages(path: Path) -> int:
    from pyhanko.pdf_utils.reader import PdfFileReader

    return int(PdfFileReader(io.BytesIO(path.read_bytes()), strict=False)
               .root["/Pages"]["/Count"])


if __name__ == "__main__":
    raise SystemExit(main())
