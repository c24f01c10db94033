"""The catalogue: transcription against the published notice, the build, the API."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import shutil
import sqlite3
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from zhashui_inspector.core.catalogue import (  # noqa: E402
    CATALOGUE_TABLES,
    Catalogue,
    Policy,
    Threshold,
    compute_hash,
    copy_catalogue,
    count_self_report_chars,
)

SOURCE = ROOT / "data" / "standards.toml"
COMMITTED = ROOT / "data" / "standards.sqlite"
NOTICE = ROOT / "tests" / "fixtures" / "notice_2023_54.txt"

# Content hash of the committed catalogue. Changing data/standards.toml changes it: update
# it here on purpose, after review, together with the rebuilt data/standards.sqlite.
EXPECTED_HASH = "5fac2b6cb0dfb22033500ed8da3707007471ce62641321ad213f00eb36280174"

# sub-area -> (area, first item, last item)
MAPPING = {
    1: (1, 1, 3),
    2: (1, 4, 6),
    3: (1, 7, 8),
    4: (1, 9, 11),
    5: (2, 12, 16),
    6: (2, 17, 18),
    7: (3, 19, 24),
    8: (3, 25, 26),
    9: (4, 27, 29),
    10: (4, 30, 32),
    11: (4, 33, 33),
    12: (4, 34, 34),
    13: (4, 35, 36),
    14: (4, 37, 38),
    15: (4, 39, 40),
    16: (5, 41, 44),
    17: (5, 45, 46),
    18: (5, 47, 49),
    19: (5, 50, 51),
    20: (6, 52, 54),
    21: (6, 55, 56),
    22: (6, 57, 57),
    23: (6, 58, 58),
    24: (7, 59, 59),
    25: (8, 60, 62),
    26: (8, 63, 64),
    27: (9, 65, 68),
    28: (9, 69, 70),
    29: (9, 71, 71),
    30: (9, 72, 72),
    31: (9, 73, 76),
}

AREAS = [
    ("一", "依法全面履行职能"),
    ("二", "完善依法行政制度体系"),
    ("三", "推进科学民主依法决策"),
    ("四", "规范行政执法"),
    ("五", "强化对行政权力的制约监督"),
    ("六", "依法预防和化解社会矛盾"),
    ("七", "重大突发事件依法预防处置"),
    ("八", "全面提高政府工作人员法治思维和依法行政能力"),
    ("九", "强组织领导，保障任务落实"),
]

# Copied from the notice as published, garbles included.
TEXTS = {
    1: "规范行政审批。公布行政许可项目总目录，实行目录化、编码化管理。规范行政审批行为。对行政审批实施全过程的监督，推动行政审批行为程序化、信息化、公开化。建立各级投资项目在线审批监管平台，全面实行审批监管线上运行并向社会公开。对增加企业和公民负担的证照进行管理规范，取消不必要的与行政审批相关的各类年审、年检。",
    2: "完善便民服务中心建设。全面落实“受理单”“办理时限承诺”等制度，编制细化服务指南，制定审查工作细则。大力推行“互联网+政务服务”，推进实体政务大厅向网上办事大厅延伸。",
    8: "加强信用监管，推进涉企信息归集共享，严格依法科学界定授信和是信息网，建立信用修复、异议处理等机制。",
    13: "明确规定规范性文件的公布到实施间隔期和规范性文件的有效期。完善规范性文件的“三统一”制度（统一登记、统一编号、统一公布）。",
    30: "行政执法主体、权限、依据、程序、救济渠道和随机抽查事项清单等信息全面准确及时主动公开并进行动态调整。全面落实行政执法量权基准制度，对外公布各执法行为为的材料范围、种类、幅度等基准并切实遵循。",
    33: "落实行政执法相关程序制度。行政执法严格遵循法定程序，步骤清楚、要求具体、期限明确，告知相对人权利、回避、重大行政决定听证、集体讨论决定等程序制度。建立行政执法法全过程记录制度。全面实现为行政执法人员配备执法记录仪。明确执法具体操作流程，严格按照流程和标准执法。统一和规范行政执法文书，行政执法案卷管理规范。",
    37: "加强执法人员资格管理。严格执行行政执法人员持证上岗和资格管理制度，行政执法人员均为具备执法主体资格单位的正式工作人员，并从事行政执法工作，实行执法人员资格等级管理制度。规范执法辅助人员管理，明确其适用岗位、身份性质、职责权限、权利义务、聘用条件和程序等，行政执法机关不存在雇用合同工、临时工等非公务人员从事行政执法工作的情况。",
    42: "自觉接受人大监督、政协民主监督。认真执行向本级人大及报告工作制度，依法接受询问和质询，按时报备规范性文件，主动向本级人大报告法治政府建设情况。及时处理本级人大对政府工作的有关审议意见，认真办理人大代表建议。",
    62: "建立公务人员法律培训制度，每年至少举办一期法治专题培训班。",
    64: "实行公务员晋升依法考核制度，并把法治素养和依法办事能力作为任职、晋升的重要依据。",
    66: "发生重大违法行政案件、造成严重后果的，要依法追究主要负责人责任。",
    76: "积极推进社会主义法治文化建设。",
}

UNITS = [
    ("县发改局", "department", (2020,)),
    ("县财政局", "department", (2020, 2021)),
    ("县林业局", "department", (2020,)),
    ("县交通局", "department", (2020,)),
    ("县气象局", "department", (2020,)),
    ("下梁镇", "town", (2020,)),
    ("凤凰镇", "town", (2020,)),
    ("杏坪镇", "town", (2020,)),
    ("县应急管理局", "department", (2021,)),
    ("县审批局", "department", (2021,)),
    ("县瓦房口镇", "town", (2021,)),
    ("县曹坪镇", "town", (2021,)),
]


def _load_builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_catalogue", ROOT / "tools" / "build_catalogue.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


builder = _load_builder()


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return Catalogue.load(COMMITTED)


@pytest.fixture(scope="module")
def notice() -> str:
    return NOTICE.read_text(encoding="utf-8")


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


# -- the fixture is the published notice --------------------------------------------------


def test_fixture_is_the_notice_as_received(notice: str) -> None:
    # SHA-256 of the notice text as the office published it (the shared seed file)
    digest = hashlib.sha256(notice.encode("utf-8")).hexdigest()
    assert digest == "be6ce780a10c40585e660cc4eafca35e10a65279a77c848ddd5483d696d7e473"


# -- structure ----------------------------------------------------------------------------


def test_counts(cat: Catalogue) -> None:
    assert len(cat.areas) == 9
    assert sum(len(a.subareas) for a in cat.areas) == 31
    assert len(cat.items()) == 76
    assert len(cat.units) == 12  # 13 namings: 县财政局 was named in 2020 and 2021
    assert sum(len(u.years) for u in cat.units) == 13
    assert cat.unit("县财政局").years == (2020, 2021)


def test_numbering_is_contiguous(cat: Catalogue) -> None:
    assert [a.no for a in cat.areas] == list(range(1, 10))
    assert [s.no for a in cat.areas for s in a.subareas] == list(range(1, 32))
    assert [i.no for a in cat.areas for i in a.items] == list(range(1, 77))
    assert [i.no for i in cat.items()] == list(range(1, 77))


def test_areas(cat: Catalogue) -> None:
    assert [(a.numeral, a.title) for a in cat.areas] == AREAS


def test_full_mapping(cat: Catalogue) -> None:
    for sub_no, (area_no, first, last) in MAPPING.items():
        sub = cat.subarea(sub_no)
        assert sub.area_no == area_no
        assert sub in cat.area(area_no).subareas
        assert [i.no for i in sub.items] == list(range(first, last + 1))
        for no in range(first, last + 1):
            item = cat.item(no)
            assert (item.subarea_no, item.area_no) == (sub_no, area_no)


def test_item_texts(cat: Catalogue) -> None:
    for no, text in TEXTS.items():
        assert cat.item(no).text == text, no


def test_subarea_titles(cat: Catalogue) -> None:
    assert cat.subarea(1).title == "加大简政放权力度"
    assert cat.subarea(5).title == (
        "完善规范性文件制定程序，严格依照法定权限、法定程序、法定职责制定规范性文件，提高公众参与度"
    )
    assert cat.subarea(14).title == "健全行政执法人员管理制度"
    assert cat.subarea(16).title == "自觉接受党内监督、人大监督、司法监督、社会监督、舆论监督"
    assert cat.subarea(31).title == "加强理论研究、典型示范和宣传引导"
    assert cat.subarea(1).display_title == "加大简政放权力度"


def test_subarea_2_title_is_a_gap(cat: Catalogue) -> None:
    sub = cat.subarea(2)
    assert sub.title is None
    assert sub.display_title == "（原文缺标题）"
    assert "推断" in sub.note
    titled = [s for a in cat.areas for s in a.subareas if s.no != 2]
    assert all(s.title for s in titled)


def test_texts_occur_verbatim_in_the_notice(cat: Catalogue, notice: str) -> None:
    published = _squeeze(notice)
    for item in cat.items():
        assert item.text == item.text.strip() and item.text
        assert _squeeze(item.text) in published, item.no
        assert not re.match(r"\d", item.text), item.no  # number stripped
        assert "<" not in item.text and ">" not in item.text
    for area in cat.areas:
        assert _squeeze(area.title) in published
        for sub in area.subareas:
            if sub.title is not None:
                assert _squeeze(sub.title) in published, sub.no


def test_every_numbered_item_of_the_notice_is_in_the_catalogue(cat: Catalogue, notice: str) -> None:
    attachment = notice[notice.index("附件 1") :]
    for item in cat.items():
        # Each item appears as "N." (with or without a space) followed by its text.
        pattern = re.escape(f"{item.no}.") + r"\s?" + re.escape(item.text)
        assert re.search(pattern, attachment), item.no


def test_errata_are_annotations_not_fixes(cat: Catalogue) -> None:
    assert cat.errata_for("item", 8)
    assert cat.errata_for("item", 30)
    assert cat.errata_for("item", 33)
    area9 = cat.errata_for("area", 9)
    assert area9 and "加强组织领导" in area9[0].note
    assert cat.area(9).title == "强组织领导，保障任务落实"
    assert "量权基准" in cat.item(30).text and "执法行为为的" in cat.item(30).text
    assert cat.errata_for("item", 1) == ()
    for e in cat.errata:
        assert e.target_kind in ("area", "subarea", "item")
        assert e.note


def test_units_stages_vocabularies(cat: Catalogue) -> None:
    assert [(u.name, u.kind, u.years) for u in cat.units] == UNITS
    assert cat.unit("下梁镇").kind_label == "镇"
    assert cat.unit("县审批局").kind_label == "部门"
    assert cat.has_unit("县财政局") and not cat.has_unit("乾佑街道")
    assert [(s.key, s.name, s.start.isoformat(), s.end.isoformat()) for s in cat.stages] == [
        ("self_check", "全面自查", "2023-11-17", "2023-11-26"),
        ("review", "复查验收评估", "2023-11-27", "2023-12-03"),
        ("handling", "复查处理", "2023-12-04", "2023-12-08"),
    ]
    assert cat.outcomes == ("保留", "黄牌", "停牌", "摘牌")
    assert cat.methods == ("听取汇报", "查阅资料", "实地查看")
    assert cat.ratings == ("达标", "基本达标", "未达标", "不适用")
    assert cat.evidence_kinds == ("文件", "图片", "表册", "总结", "其他")
    assert cat.self_report_limit == 2500
    assert "空白" in cat.self_report_count_rule
    assert cat.title == "柞水县法治政府建设示范单位创建标准"


def test_lookups(cat: Catalogue) -> None:
    assert cat.has_item(1) and cat.has_item(76)
    assert not cat.has_item(0) and not cat.has_item(77)
    with pytest.raises(KeyError):
        cat.item(77)
    with pytest.raises(KeyError):
        cat.subarea(32)
    with pytest.raises(KeyError):
        cat.area(10)
    with pytest.raises(KeyError):
        cat.unit("县教育局")
    assert cat.area(1).items == tuple(cat.item(n) for n in range(1, 12))


def test_default_policy(cat: Catalogue) -> None:
    p = cat.policy
    assert "默认" in p.label and "〔2022〕13号" in p.label
    assert p.points == {"达标": 1.0, "基本达标": 0.5, "未达标": 0.0, "不适用": None}
    assert p.weights == {n: 1.0 for n in range(1, 77)}
    assert p.thresholds == (
        Threshold("保留", 90.0, 80.0),
        Threshold("黄牌", 80.0, 70.0),
        Threshold("停牌", 70.0, None),
        Threshold("摘牌", None, None),
    )
    assert p.veto_items == ()
    assert p.veto_outcome == "停牌"


def test_count_self_report_chars() -> None:
    assert count_self_report_chars("自评 报告\n第一段\t完") == 8
    assert count_self_report_chars("  \n") == 0


# -- the build ----------------------------------------------------------------------------


def test_committed_file_equals_fresh_build(tmp_path: Path) -> None:
    fresh = tmp_path / "standards.sqlite"
    digest = builder.build(SOURCE, fresh)
    assert builder.normalized_bytes(fresh) == builder.normalized_bytes(COMMITTED)
    assert builder.check(SOURCE, COMMITTED)
    assert digest == EXPECTED_HASH


def test_build_is_deterministic(tmp_path: Path) -> None:
    a, b = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    assert builder.build(SOURCE, a) == builder.build(SOURCE, b)
    assert a.read_bytes() == b.read_bytes()
    assert not (tmp_path / "a.sqlite.tmp").exists()
    conn = sqlite3.connect(a)
    try:
        assert conn.execute("PRAGMA page_size").fetchone()[0] == 4096
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        conn.close()


def test_hash_is_stable(cat: Catalogue) -> None:
    assert cat.hash == EXPECTED_HASH
    conn = sqlite3.connect(f"{COMMITTED.resolve().as_uri()}?mode=ro", uri=True)
    try:
        assert compute_hash(conn) == EXPECTED_HASH
        meta = dict(conn.execute("SELECT key, value FROM cat_meta").fetchall())
    finally:
        conn.close()
    assert meta["format"] == "1"
    assert meta["self_report_limit"] == "2500"
    assert meta["title"] == "柞水县法治政府建设示范单位创建标准"
    assert meta["source"] and meta["self_report_count_rule"]


def test_check_detects_a_stale_file(tmp_path: Path) -> None:
    edited = tmp_path / "standards.toml"
    edited.write_text(
        SOURCE.read_text(encoding="utf-8").replace('"加大简政放权力度"', '"加大简政放权"'),
        encoding="utf-8",
    )
    assert not builder.check(edited, COMMITTED)
    assert builder.main(["--check", "--source", str(edited), "--out", str(COMMITTED)]) == 1
    assert builder.main(["--check"]) == 0


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("no = 76\n", "no = 77\n", "items"),
        ('name = "县审批局"', 'name = "县财政局"', "duplicate"),
        ('kind = "town"', 'kind = "village"', "kind"),
        ("title_missing = true", 'title = "x"\ntitle_missing = true', "either"),
        ('outcome = "摘牌"\n', 'outcome = "摘牌"\noverall_min = 1.0\n', "fallback"),
        ('veto_outcome = "停牌"', 'veto_outcome = "警告"', "veto_outcome"),
    ],
)
def test_build_rejects_inconsistent_sources(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    text = SOURCE.read_text(encoding="utf-8")
    assert old in text
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(builder.CatalogueError, match=message):
        builder.build(bad, tmp_path / "out.sqlite")
    assert not (tmp_path / "out.sqlite").exists()


# -- embedding a snapshot -----------------------------------------------------------------


def test_copy_catalogue_round_trip(cat: Catalogue) -> None:
    src = sqlite3.connect(f"{COMMITTED.resolve().as_uri()}?mode=ro", uri=True)
    dst = sqlite3.connect(":memory:")
    try:
        dst.row_factory = sqlite3.Row  # a work file's own settings must not matter
        dst.execute("PRAGMA foreign_keys = ON")
        dst.execute("CREATE TABLE other (x)")
        copy_catalogue(src, dst)
        dst.commit()
        tables = {r[0] for r in dst.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert set(CATALOGUE_TABLES) <= tables
        copied = Catalogue.from_connection(dst)
        assert copied.to_json() == cat.to_json()
        assert copied == cat
        assert compute_hash(dst) == cat.hash
        assert dst.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        src.close()
        dst.close()


def test_copy_catalogue_does_not_commit() -> None:
    src = sqlite3.connect(f"{COMMITTED.resolve().as_uri()}?mode=ro", uri=True)
    dst = sqlite3.connect(":memory:", isolation_level=None)
    try:
        dst.execute("BEGIN")
        copy_catalogue(src, dst)
        assert dst.in_transaction
        dst.execute("ROLLBACK")
        assert dst.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    finally:
        src.close()
        dst.close()


def test_load_from_a_path_with_awkward_characters(tmp_path: Path, cat: Catalogue) -> None:
    folder = tmp_path / "示范 单位#1?"
    folder.mkdir()
    shutil.copyfile(COMMITTED, folder / "standards.sqlite")
    assert Catalogue.load(folder / "standards.sqlite") == cat
    with pytest.raises(FileNotFoundError):
        Catalogue.load(folder / "missing.sqlite")


def test_default_load_uses_the_shipped_file(cat: Catalogue) -> None:
    assert Catalogue.load().hash == cat.hash


# -- JSON ---------------------------------------------------------------------------------


def test_policy_json_round_trip(cat: Catalogue) -> None:
    policy = cat.policy
    assert Policy.from_json(json.loads(json.dumps(policy.to_json()))) == policy
    edited = Policy(
        label="修改后的规则",
        points={"达标": 2.0, "基本达标": 1.0, "未达标": 0.0, "不适用": None},
        weights={**policy.weights, 34: 3.0},
        thresholds=(Threshold("保留", 95.0, None), Threshold("摘牌", None, None)),
        veto_items=(34, 59),
        veto_outcome="摘牌",
    )
    assert Policy.from_json(json.loads(json.dumps(edited.to_json(), ensure_ascii=False))) == edited


def test_to_json_shape(cat: Catalogue) -> None:
    d = json.loads(json.dumps(cat.to_json(), ensure_ascii=False))
    assert d["hash"] == cat.hash
    assert d["self_report_limit"] == 2500
    assert d["outcomes"] == ["保留", "黄牌", "停牌", "摘牌"]
    assert d["methods"] == ["听取汇报", "查阅资料", "实地查看"]
    assert [a["no"] for a in d["areas"]] == list(range(1, 10))
    first = d["areas"][0]
    assert first["numeral"] == "一" and first["title"] == "依法全面履行职能"
    assert {"no", "title", "subareas"} <= set(first)
    assert first["subareas"][1] == {
        "no": 2,
        "title": None,
        "items": [{"no": n, "text": cat.item(n).text} for n in (4, 5, 6)],
    }
    assert sum(len(s["items"]) for a in d["areas"] for s in a["subareas"]) == 76
    assert d["units"][1] == {"name": "县财政局", "kind": "department", "years": [2020, 2021]}
    assert {"name", "start", "end"} <= set(d["stages"][0])
    assert d["stages"][0]["start"] == "2023-11-17"
