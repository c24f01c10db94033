"""A smaller ICU data library for the Linux bundle (31 MB → about 7 MB).

The Linux Qt wheels link QtCore against ICU, whose data library `libicudata.so.NN` holds
every locale's data for every ICU service. QtCore calls only four of those services:
collation (`ucol_*`: QCollator, sorting in file dialogs), calendars and time-zone names
(`ucal_*`: QTimeZone::displayName), legacy text codecs (`ucnv_*`: QStringConverter)
and case mapping (`u_strToUpper`/`u_strToLower`, whose tables are compiled into
libicuuc). So the data is cut down to what those services read, for the languages the
program can meet:

* every locale-independent item (converters, alias tables, time-zone rules, supplemental
  data, normalisation) except the data of services Qt never calls (character names,
  confusables for spoof checks, StringPrep profiles) and the EBCDIC code pages of IBM
  mainframes, which no desktop file or clipboard is in;
* of the per-locale bundles, those of English, Chinese and the root locale, in the
  top-level tree (calendars, number symbols), `coll/` (collation) and `zone/` (time-zone
  names); the trees of break iteration, transliteration, number spell-out, currency,
  unit, language and region names go entirely.

Another locale (say a German desktop) then gets the root locale's data: collation in the
Unicode default order and English-like time-zone names, instead of German ones. The
program's own texts are all Chinese, so nothing a user reads changes.

ICU's `icupkg` (Debian package icu-devtools) removes the items from the package,
`genccode` turns the package back into an object file, and binutils' `ld` links it into a
library with the original soname and data symbol. Windows Qt uses the system's ICU and is
not touched; this module is only used on Linux.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

# Languages whose locale bundles stay (with all their regional variants).
KEPT_LANGUAGES = frozenset({"en", "zh"})
# Per-locale trees that Qt's ICU services read; the top-level tree always stays.
KEPT_TREES = frozenset({"coll", "zone"})
# Locale-independent items of ICU services Qt never calls.
DROPPED_ITEMS = frozenset({"unames.icu", "confusables.cfu"})
DROPPED_SUFFIXES = (".spp",)  # StringPrep profiles (IDNA 2003, LDAP, XMPP)
# EBCDIC converters, by IBM code page: those where byte 0x40 is the space, 0x25 line feed
# and 0xC1 "A" (checked with uconv), and 16684, the double-byte half of 1390 and 1399.
EBCDIC_CODE_PAGES = frozenset({
    37, 273, 277, 278, 280, 284, 285, 290, 297, 420, 424, 500, 803, 838, 870, 871, 875, 918,
    930, 933, 935, 937, 939, 1025, 1026, 1047, 1097, 1112, 1122, 1123, 1130, 1132, 1137,
    *range(1140, 1150), *range(1153, 1159), 1160, 1164, 1364, 1371, 1388, 1390, 1399, 4517,
    4899, 4971, 5123, 8482, 9067, 12712, 16684, 16804,
})
IBM_CONVERTER = re.compile(r"^ibm-(\d+)_.*\.cnv$")
# Bundles that every tree needs whatever the locale: the fallback of last resort, the
# shared key pool and the index of installed locales.
TREE_INFRASTRUCTURE = frozenset({"root.res", "pool.res", "res_index.res"})
# A locale bundle: a 2- or 3-letter language, then script, region or variant parts
# ("zh_Hant_TW.res", "de_.res" for de__PHONEBOOK). Locale-independent bundles have longer
# names ("supplementalData.res", "zoneinfo64.res", "icuver.res").
LOCALE_BUNDLE = re.compile(r"^([a-z]{2,3})(?:_[A-Za-z0-9]*)*\.res$")
DATA_LIBRARY = re.compile(r"^libicudata\.so\.\d+$")
TOOLS = ("icupkg", "genccode", "ld", "readelf")


def keep_item(name: str) -> bool:
    """Whether an item of the ICU data package (`coll/zh.res`, `gb18030.cnv`) stays."""
    tree, _, leaf = name.rpartition("/")
    if tree and tree not in KEPT_TREES:
        return False
    if leaf in DROPPED_ITEMS or leaf.endswith(DROPPED_SUFFIXES) or is_ebcdic(leaf):
        return False
    if leaf in TREE_INFRASTRUCTURE:
        return True
    locale = LOCALE_BUNDLE.match(leaf)
    return locale is None or locale.group(1) in KEPT_LANGUAGES


def is_ebcdic(leaf: str) -> bool:
    ibm = IBM_CONVERTER.match(leaf)
    return leaf == "ebcdic-xml-us.cnv" or bool(ibm and int(ibm.group(1)) in EBCDIC_CODE_PAGES)


def is_data_library(dest: str) -> bool:
    """Whether a bundle destination is ICU's data library (`…/libicudata.so.73`)."""
    return bool(DATA_LIBRARY.match(Path(dest.replace("\\", "/")).name))


def _tool(name: str) -> str | None:
    # Debian installs icupkg and genccode in /usr/sbin, which a user's PATH may lack.
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/local/sbin")


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if _tool(tool) is None]


def _run(tool: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([_tool(tool) or tool, *map(str, args)], capture_output=True,
                          text=True)


def _output(tool: str, *args: str | Path) -> str:
    result = _run(tool, *args)
    if result.returncode != 0:
        raise RuntimeError(f"{tool} failed: {result.stderr.strip()}")
    return result.stdout


def _data_symbol(library: Path) -> tuple[str, int, int]:
    """(name, file offset, size) of the library's `icudtNN_dat` symbol."""
    symbols = _output("readelf", "--dyn-syms", "-W", library)
    match = re.search(r"^\s*\d+:\s+([0-9a-f]+)\s+(0x[0-9a-f]+|\d+)\s+OBJECT\s+GLOBAL\s+\w+\s+(\d+)\s+"
                      r"(icudt\d+_dat)$", symbols, re.MULTILINE)
    if not match:
        raise RuntimeError(f"{library.name}: no icudt*_dat data symbol")
    value, size, index, name = (int(match.group(1), 16), int(match.group(2), 0),
                                int(match.group(3)), match.group(4))
    sections = _output("readelf", "-S", "-W", library)
    section = re.search(rf"^\s*\[\s*{index}\]\s+\S+\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)\s",
                        sections, re.MULTILINE)
    if not section:
        raise RuntimeError(f"{library.name}: section {index} of {name} not found")
    address, offset = int(section.group(1), 16), int(section.group(2), 16)
    return name, value - address + offset, size


def _soname(library: Path) -> str:
    match = re.search(r"\(SONAME\).*\[(.+?)\]", _output("readelf", "-d", library))
    return match.group(1) if match else library.name


def _package_name(data: bytes) -> str:
    """The package's item prefix (`icudt73l`), read from its table of contents."""
    order = "big" if data[8] else "little"  # UDataInfo.isBigEndian
    toc = int.from_bytes(data[0:2], order)  # the header's size; the TOC follows it
    first_name = int.from_bytes(data[toc + 4:toc + 8], order)
    name = data[toc + first_name:data.index(b"\0", toc + first_name)].decode("ascii")
    return name.split("/", 1)[0]


def filter_package(source: Path, target: Path, work: Path) -> list[str]:
    """Write the filtered copy of an ICU .dat package; returns the items kept.

    Items that a kept item depends on stay too (icupkg checks and names them).
    """
    items = _output("icupkg", "-l", source).split()
    dropped = {item for item in items if not keep_item(item)}
    for _ in range(20):
        listing = work / "dropped.txt"
        listing.write_text("".join(f"{item}\n" for item in sorted(dropped)), encoding="ascii")
        target.unlink(missing_ok=True)
        result = _run("icupkg", "-r", listing, source, target)
        needed = set(re.findall(r"depends on missing item (\S+)", result.stdout + result.stderr))
        if result.returncode == 0 and not needed:
            return [item for item in items if item not in dropped]
        if not needed & dropped:
            raise RuntimeError(f"icupkg failed: {(result.stdout + result.stderr).strip()}")
        dropped -= needed
    raise RuntimeError("icupkg: the dependencies of the kept ICU data did not settle")


def build_library(library: Path, work: Path) -> Path:
    """A copy of ICU's data library holding only the items `keep_item` keeps."""
    missing = missing_tools()
    if missing:
        raise SystemExit("缩减 ICU 数据需要 " + "、".join(missing) +
                         "（Debian/Ubuntu 软件包 icu-devtools、binutils），请先运行 bash scripts/setup.sh")
    work.mkdir(parents=True, exist_ok=True)
    symbol, offset, size = _data_symbol(library)
    with library.open("rb") as f:
        f.seek(offset)
        data = f.read(size)
    package = _package_name(data)
    # icupkg insists that a package's file name matches its item prefix.
    source, target = work / "full" / f"{package}.dat", work / "kept" / f"{package}.dat"
    source.parent.mkdir(exist_ok=True)
    target.parent.mkdir(exist_ok=True)
    source.write_bytes(data)
    filter_package(source, target, work)
    _output("genccode", "--object", "--match-arch", library, "--entrypoint",
            symbol.removesuffix("_dat"), "--destdir", work, target)
    objects = list(work.glob(f"{package}*.o"))
    if len(objects) != 1:
        raise RuntimeError(f"genccode wrote {objects}")
    out = work / "lib" / library.name
    out.parent.mkdir(exist_ok=True)
    soname = _soname(library)
    _output("ld", "-shared", "-soname", soname, "-z", "noexecstack", "-o", out, objects[0])
    return out


def replace_data_library(binaries: list, work: Path) -> list:
    """PyInstaller's binaries list with ICU's data library swapped for the filtered copy.

    Entries are PyInstaller TOC tuples (destination, source, typecode).
    """
    result = []
    for entry in binaries:
        dest, src, *rest = entry
        if is_data_library(dest):
            src = str(build_library(Path(src), work))
        result.append((dest, src, *rest))
    return result
