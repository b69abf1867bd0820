"""The documents a principal hands in, as LibreOffice prints them: the 后勤工作总结 docx in the
usual layout with the kindergarten's name, faces set for East Asian text, a sign-off on the last
page, no claim a finding of the same check contradicts, and every number the JSON's."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Mm
from pypdf import PdfReader

from sync.report.wording import number, percent
from tests.documents_helpers import TODAY, write_term_workbook
from tests.support import ROOT, SCREENSHOTS, require

SCHOOL = "阳光幼儿园"
FACES = {"SimSun", "SimHei", "FangSong"}


def _config(tmp_path: Path, workbook: Path) -> Path:
    config = tmp_path / "houqin.toml"
    config.write_text(f"[sources]\npaths = ['{workbook}']\n[school]\nname = \"{SCHOOL}\"\n", encoding="utf-8")
    return config


def _houqin(*args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "sync", *args], cwd=ROOT, capture_output=True, text=True,
                          encoding="utf-8", timeout=180)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def to_pdf(document: Path, tmp_path: Path) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    require(soffice is not None, "LibreOffice (soffice) is not installed")
    done = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "pdf",
                           "--outdir", str(tmp_path / "pdf"), str(document)], capture_output=True, text=True, timeout=180)
    pdf = tmp_path / "pdf" / (document.stem + ".pdf")
    assert done.returncode == 0 and pdf.exists(), done.stderr
    return pdf


def screenshots(pdf: Path, name: str) -> list[Path]:
    """Every page as a PNG in tests/screenshots (what a person looks at), when pdftoppm is there."""
    if shutil.which("pdftoppm") is None:
        return []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(SCREENSHOTS / name)], check=True, timeout=120)
    return sorted(SCREENSHOTS.glob(f"{name}-*.png"))


def fallbacks(faces: set[str]) -> set[str]:
    """The families this machine prints each face with (fontconfig's choice, for Latin and Chinese)."""
    found = set(faces)
    if shutil.which("fc-match"):
        for face in faces:
            for pattern in (face, f"{face}:lang=zh-cn"):
                done = subprocess.run(["fc-match", "-f", "%{family}", pattern], capture_output=True, text=True)
                found.update(name.strip() for name in done.stdout.split(","))
    return {name.replace(" ", "") for name in found}


def pdf_fonts(pdf: Path) -> set[str]:
    """The families pdffonts lists: subset prefix and style suffix taken off."""
    require(shutil.which("pdffonts") is not None, "pdffonts (poppler) is not installed")
    lines = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    return {re.sub(r"^[A-Z]{6}\+", "", line.split()[0]).split("-")[0] for line in lines if line.strip()}


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """The hand-built term's workbook, its report JSON, its check findings and its docx."""
    tmp_path = tmp_path_factory.mktemp("docx")
    workbook = tmp_path / "后勤.xlsx"
    write_term_workbook(workbook)
    config = _config(tmp_path, workbook)
    base = ["--config", str(config), "--today", TODAY.isoformat()]
    report = json.loads(_houqin("report", *base, "--format", "json").stdout)
    findings = json.loads(_houqin("check", *base, "--format", "json").stdout)["findings"]
    docx = tmp_path / "学期总结.docx"
    assert _houqin("report", *base, "--format", "docx", "--out", str(docx)).returncode == 0
    return {"tmp": tmp_path, "report": report, "findings": findings, "docx": docx}


def test_the_report_carries_the_kindergartens_name_from_the_config(made):
    assert made["report"]["school"] == SCHOOL


@pytest.mark.office
def test_the_docx_is_laid_out_as_a_work_summary_and_prints_with_the_faces_set(made):
    docx = made["docx"]
    section = Document(str(docx)).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4
    margins = [round(getattr(section, f"{side}_margin") / Mm(1)) for side in ("top", "bottom", "left", "right")]
    assert margins == [37, 35, 28, 26]
    xml = zipfile.ZipFile(docx).read("word/document.xml").decode()
    east_asian = set(re.findall(r'w:eastAsia="([^"]+)"', xml))
    assert east_asian == FACES  # title in Song, headings in Hei, body in FangSong: faces a Windows PC has
    assert "fldChar" in zipfile.ZipFile(docx).read("word/footer1.xml").decode()  # page numbers
    pdf = to_pdf(docx, made["tmp"])
    printed = pdf_fonts(pdf)
    assert printed and printed <= fallbacks(FACES), printed
    pages = [re.sub(r"\s+", "", page.extract_text()) for page in PdfReader(pdf).pages]
    assert pages[0].startswith(f"{SCHOOL}2026年秋季学期后勤工作总结")
    assert pages[-1].endswith(f"{SCHOOL}{TODAY.year}年{TODAY.month}月{TODAY.day}日—{len(pages)}—")  # sign-off, then page number
    assert "Houqin" not in "".join(pages) and "草稿" not in pages[0][:40]
    screenshots(pdf, "term_summary_docx")


@pytest.mark.office
def test_every_number_in_the_draft_is_the_jsons_and_the_counts_stand_in_the_table(made):
    figures = made["report"]["figures"]
    document = Document(str(made["docx"]))
    prose = "".join(p.text for p in document.paragraphs)
    assert not re.search(r"（-?[\d.]+/[\d.]+）", prose)  # no fraction after every clause
    table = {row.cells[0].text: [c.text for c in row.cells] for row in document.tables[0].rows[1:]}
    for figure in figures.values():
        label, result, counted, due = table[figure["label"]]
        assert counted == number(figure["numerator"])
        assert due == (number(figure["denominator"]) if figure["denominator"] is not None else "")
        if figure["denominator"] and not isinstance(figure["value"], dict):
            assert result == percent(figure["value"])
    values = [v for f in figures.values() for v in (f["value"].values() if isinstance(f["value"], dict) else [f["value"]])]
    rates = {percent(v) for v in values if isinstance(v, float)}
    for stated in re.findall(r"(-?\d+(?:\.\d+)?%)", prose):
        assert stated in rates or stated in ("2%", "±2%"), stated  # every percentage is a figure's (or the limit)
    account = figures["food_account_term_ratio"]
    assert f"收入 {number(account['denominator'])} 元，结余 {number(account['numerator'])} 元，占收入的 {percent(account['value'])}" in prose
    assert f"开展了 {figures['drills_by_type']['numerator']} 次应急演练" in prose
    for section in ("一、", "二、规范卫生保健工作", "三、加强保育工作", "四、加强资产管理", "五、明确安全责任", "六、加强膳食管理", "七、工作反思"):
        assert section in prose
    assert prose.count("【请园长填写】") >= 9  # the opening, each section, the closing


def test_the_reflection_names_the_three_weakest_figures(made):
    from sync.report.draft import paragraphs

    figures = made["report"]["figures"]
    rates = sorted(((f["value"], f["label"]) for fid, f in figures.items() if f["denominator"]
                    and isinstance(f["value"], float) and 0 <= f["value"] < 1
                    and not fid.startswith(("nutrition", "food_account_term"))),
                   key=lambda rate: rate[0])  # ties in the summary's order
    text = dict((t, k) for k, t in paragraphs(made["report"]))
    reflection = next(t for t in text if t.startswith("从本学期的数据看"))
    assert [label for _, label in rates[:3]] == re.findall(r"[：；]([^；：]+?)为 [\d.]+%", reflection)
    assert all(label not in reflection for _, label in rates[3:])


# A claim the draft could make, the rule whose finding would contradict it, and what the draft
# must say instead (words taken from the finding's own message).
CONTRADICTED = [
    ("幼儿伙食账每月向家长公示", "account_published",  # a month of this term (August's is last term's)
     lambda f: [month, "尚未公示"] if (month := re.search(r"“(\d{4}-\d{2})", f["message"])[1]) >= "2026-09" else []),
    ("留样合格率（有留样、留样量和保存时间达标）100%", "sample_for_every_dish", lambda f: ["留样不合格或缺少留样"]),
    ("疏散用时都在", "drill_evacuation_time",
     lambda f: ["超过"] if "2026-09-01" <= re.search(r"(\d{4}-\d{2}-\d{2})", f["message"])[1] <= "2026-11-25" else []),
]


def test_no_sentence_contradicts_a_finding_of_the_same_check(made):
    from sync.report.draft import paragraphs

    prose = "".join(text for _, text in paragraphs(made["report"]))
    rules = {f["rule"] for f in made["findings"]}
    assert {"account_published", "sample_for_every_dish"} <= rules  # the hand-built term has both problems
    for claim, rule, instead in CONTRADICTED:
        found = [f for f in made["findings"] if f["rule"] == rule]
        if found:
            assert claim not in prose, (claim, found[0]["message"])
            for finding in found:
                for words in instead(finding):
                    assert words in prose, (words, finding["message"])
    drills = made["report"]["figures"]["drills_by_type"]
    if drills["missing"]:
        assert f"尚缺{'、'.join(drills['missing'])}演练" in prose


def pdf_pages(pdf: Path) -> list[tuple[str, bool]]:
    """Each page's text as laid out (pdftotext -layout: a table row is one line), without spaces,
    and whether the page lies landscape."""
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler) is not installed")
    laid = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    texts = [re.sub(r"[ \t]+", "", page) for page in laid.split("\f")]
    pages = []
    for index, page in enumerate(PdfReader(pdf).pages):
        box = page.mediabox
        pages.append((texts[index], float(box.width) > float(box.height)))
        assert (round(min(box.width, box.height)), round(max(box.width, box.height))) == (595, 842)  # A4
    return pages


def page_words(pdf: Path) -> list[list[tuple[str, float, float]]]:
    """Each page's words with their top edge as a fraction of the page's height (pdftotext -bbox).
    LibreOffice emits a drawing that starts past a page's last row into that page too, clipped
    out of sight; a word's place tells a chart that starts on this page from one that does not."""
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler) is not installed")
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for page in re.findall(r"<page [^>]*>.*?</page>", xml, flags=re.S):
        height = float(re.search(r'height="([\d.]+)"', page)[1])
        pages.append([(html.unescape(word), float(top) / height, float(bottom) / height)
                      for top, bottom, word in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<', page)])
    return pages


def assert_prints_whole(pdf: Path, headers: list[str], charts: dict[str, list[str]]) -> None:
    """Every page of the table carries all its headers (no column pushed to a page of its own);
    every chart starts near the top of a page (its title) and its category labels stand on that
    same page (the chart is not cut by the page's end)."""
    pages = pdf_pages(pdf)
    row = "".join(headers)
    assert any(row in text for text, _ in pages), headers
    for text, _ in pages:  # a page with the header row's start or end has all of it: no column on a page of its own
        if "".join(headers[:2]) in text or "".join(headers[-2:]) in text:
            assert row in text, (headers, text[:200])
    words = page_words(pdf)
    for title, labels in charts.items():
        starts = [n for n, page in enumerate(words) if row not in pages[n][0]
                  and any(title.startswith(w) and len(w) > 1 and top < 0.25 for w, top, _ in page)]
        assert len(starts) == 1, (title, starts)
        shown = {w for w, _, bottom in words[starts[0]] if bottom < 0.92}  # above the footer
        assert all(label in shown for label in labels), (title, labels, sorted(shown))


@pytest.mark.office
def test_the_term_workbook_prints_on_a4_with_whole_columns_and_whole_charts(made):
    out = made["tmp"] / "学期数据.xlsx"
    base = ["--config", str(made["tmp"] / "houqin.toml"), "--today", TODAY.isoformat()]
    assert _houqin("report", *base, "--format", "xlsx", "--out", str(out)).returncode == 0
    pdf = to_pdf(out, made["tmp"])
    pages = pdf_pages(pdf)
    assert f"{SCHOOL}2026年秋季学期后勤工作数据" in pages[0][0]
    assert "admission_exam_rate" not in "".join(text for text, _ in pages)  # no English ids printed
    assert_prints_whole(pdf, ["项目", "结果", "数值", "分子", "分母", "计入的行数"], {})
    months = ["2026-09", "2026-10", "2026-11"]
    assert_prints_whole(pdf, ["月份", "伙食费结余占收入（%）", "宣传栏更新（次）"],
                        {"伙食费结余占收入（%）": months, "宣传栏更新（次）": months})
    assert any(landscape for _, landscape in pages)  # the wide months sheet lies landscape
    screenshots(pdf, "term_workbook_xlsx")


@pytest.mark.office
def test_the_nutrition_table_prints_on_a4_titled_signed_and_with_its_weekly_menu(tmp_path):
    from sync.demo import write_demo

    demo = tmp_path / "demo"
    write_demo(demo, today=TODAY)
    config = _config(tmp_path, demo)
    out = tmp_path / "膳食营养分析.xlsx"
    done = _houqin("nutrition", "--config", str(config), "--month", "2026-10", "--format", "xlsx", "--out", str(out))
    assert done.returncode == 0, done.stderr
    pdf = to_pdf(out, tmp_path)
    pages = pdf_pages(pdf)
    assert f"{SCHOOL}膳食营养分析表（10月）" in pages[0][0]
    text = "".join(t for t, _ in pages)
    for words in ("调查人：", "审核人：", "日期：", "每人日膳食费（元）", "动物性食物", "大豆类", "占在园能量（%）", "应占（%）", "人日"):
        assert words in text, words
    assert_prints_whole(pdf, ["营养素", "单位", "摄入量", "在园推荐量", "占推荐量（%）", "要求（%）", "评价"],
                        {"各营养素占在园推荐量的百分比（%）": ["能量", "蛋白质", "钙", "铁"]})
    assert_prints_whole(pdf, ["日期", "星期", "餐次", "菜品", "食材及每人用量（克）"], {})
    assert_prints_whole(pdf, ["名称", "类别", "优质蛋白", "数据来源", "NDB编号", "USDA名称"], {})
    assert any(landscape for _, landscape in pages) and not pages[0][1]
    screenshots(pdf, "nutrition_table_xlsx")
