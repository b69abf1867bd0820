"""The term's 后勤工作总结 as a draft, in the seed's own sections: every sentence that states a
number is filled from the figures, and written only when the figures support it (a claim a
finding contradicts is written as the finding says); every judgement is left to the principal,
marked as such. The counts behind each figure go to the 数据附表 at the end, not into the prose.

`paragraphs(report)` gives (kind, text) pairs; `appendix(report)` the table's rows; the docx,
the text output and the 学期报告 page lay them out.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from sync.report.wording import mapping, number, percent, shown_value

TITLE, FACT, TODO, HEADING, SIGNOFF = "title", "fact", "todo", "heading", "signoff"
TODO_MARK = "【请园长填写】"
NAME_MISSING = "【请填写幼儿园名称】"
# Figures judged against another target than 100 % of their rows: not proposed for the reflection.
OTHER_TARGETS = ("food_account_term_ratio", "food_account_by_month")
WEAKEST_SHOWN = 3


SECTIONS: list[tuple[str, list[tuple[str, str]], str]] = [
    ("一、不断优化后勤队伍，提高服务意识和责任",
     [("meetings_per_week", "在园的 {den} 周中，有 {num} 周召开了后勤例会，每周例会召开率{rate}。")],
     "后勤人员培训、考核和每日巡查的情况与成效"),
    ("二、规范卫生保健工作，促进幼儿健康成长",
     [("admission_exam_rate", "入园体检率{rate}，"), ("vaccination_check_rate", "预防接种证查验率{rate}；"),
      ("catch_up_completion_rate", "需补种疫苗的幼儿补种完成率{rate}；"),
      ("periodic_exam_rate", "本学期定期体检完成率{rate}；"),
      ("weak_children_followed", "体弱儿按时随访率{rate}。"),
      ("morning_check_completeness", "晨检记录完整率{rate}，"),
      ("noon_check_completeness", "午检记录完整率{rate}；"),
      ("disinfection_completeness", "各消毒对象按频次完成消毒记录{rate}。"),
      ("attendance_rate", "本学期幼儿出勤率{rate}。"),
      ("growth_exam_rate", "本学期体检率{rate}，"), ("caries_rate", "体检幼儿龋齿率{rate}。"),
      ("letter_topics_covered", "告家长书必讲主题覆盖{rate}。")],
     "体检结果分析、常见病和传染病预防工作的成效"),
    ("三、加强保育工作，做到保教并重", [], "保育员一日工作流程的执行和业务培训情况"),
    ("四、加强资产管理，减少资源浪费",
     [("expenses_complete_rate", "已报销单据经手人、验收人、园长签字和收据齐全率{rate}；"),
      ("asset_stocktake_rate", "学期固定资产盘点率{rate}；"),
      ("repairs_done", "报修 {den} 项，已完成 {num} 项（{rate}），"),
      ("repairs_in_house", "其中自修的占{rate}。")],
     "经费使用、物资申购和维修节约的情况"),
    ("五、明确安全责任，提升安全防范工作",
     [("responsibility_signed_rate", "本学期安全责任书签订率{rate}；"),
      ("inspections_on_time", "大型玩具、设施设备、消防器材等按周期安全检查率{rate}；"),
      ("hazards_rectified_on_time", "发现的隐患按期整改率{rate}，"),
      ("hazards_rechecked", "整改后复查形成闭环的比例为{rate}；"),
      ("visitors_approved_rate", "外来人员经批准入园率{rate}。")],
     "安全宣传教育、大型活动保障和校园周边治安的情况"),
    ("六、加强膳食管理，保障幼儿饮食安全",
     [("menu_non_repetition", "有食谱的 {den} 周中，菜品不重复的周占{rate}；"),
      ("sample_compliance", "供应的菜品留样合格率（有留样、留样量和保存时间达标）{rate}；"),
      ("committee_held", "膳委会按月召开的月份占{rate}。")],
     "膳委会、营养分析结论和家长意见的落实情况"),
    ("七、工作反思", [], "本学期工作的不足和下学期的改进措施"),
]


def school_name(report: dict[str, Any]) -> str:
    """The kindergarten's name ([school] name), or a mark asking for it."""
    return (report.get("school") or "").strip() or NAME_MISSING


def chinese_date(day: str) -> str:
    """2026-11-25 -> 2026年11月25日 (the sign-off's form)."""
    parsed = date.fromisoformat(day)
    return f"{parsed.year}年{parsed.month}月{parsed.day}日"


def _rate(figure: dict[str, Any] | None) -> bool:
    return bool(figure) and bool(figure["denominator"]) and isinstance(figure["value"], (int, float))


def _topics(figure: dict[str, Any] | None, most: int = 6) -> str:
    topics = (figure or {}).get("parts", {}).get("topics") or []
    shown = "、".join(f"“{t}”" for t in topics[:most])
    return shown + ("等" if len(topics) > most else "")


def _section_one(figures: dict[str, Any]) -> Iterator[str]:
    if (held := figures.get("meetings_held")) and held["value"]:
        topics = _topics(held)
        yield f"本学期召开后勤例会 {number(held['value'])} 次" + (f"，学习和研究了{topics}等内容。" if topics else "。")


def _section_two(figures: dict[str, Any]) -> Iterator[str]:
    bulletins = figures.get("bulletins_per_month") or {}
    if health := bulletins.get("parts", {}).get("保健宣传栏"):
        yield f"保健宣传栏本学期更新 {number(sum(health.values()))} 次（{mapping(health)}）。"
    if (cases := figures.get("infectious_cases")) is not None:
        by = cases["parts"].get("by_disease") or {}
        yield (f"本学期登记传染病 {number(cases['value'])} 例（{mapping(by)}）。" if by else "本学期未登记传染病病例。")
    found = [f"{f['label'].split('率')[0]} {number(f['numerator'])} 人" for fid, f in figures.items()
             if fid.startswith("growth_") and fid != "growth_exam_rate" and f["numerator"]]
    if figures.get("growth_exam_rate", {}).get("numerator"):
        yield (f"按世界卫生组织儿童生长标准评价：{'、'.join(found)}，均应纳入专案管理。" if found
               else "按世界卫生组织儿童生长标准评价，未发现营养性疾病。")


def _section_four(figures: dict[str, Any]) -> Iterator[str]:
    if (done := figures.get("repairs_done")) and done["denominator"]:
        yield f"维修费用合计 {number(done['parts'].get('cost', 0))} 元。"


def _section_five(figures: dict[str, Any]) -> Iterator[str]:
    if (hurt := figures.get("injuries")) is not None:
        by = hurt["parts"].get("by_type") or {}
        yield f"本学期登记幼儿伤害 {number(hurt['value'])} 次（{mapping(by)}）。" if by else "本学期未登记幼儿伤害。"
    if (found := figures.get("hazards_found")) is not None and found["value"]:
        yield f"本学期安全检查共发现隐患 {number(found['value'])} 处。"
    if (drills := figures.get("drills_by_type")) is not None and drills["numerator"]:
        said = f"本学期组织全体师生开展了 {number(drills['numerator'])} 次应急演练（{mapping(drills['value'])}）"
        if (evac := figures.get("drill_evacuation")) and evac["parts"].get("participants"):
            said += f"，参与 {number(evac['parts']['participants'])} 人次"
        if _rate(evac) and evac["parts"].get("longest_seconds") is not None:
            slow = evac["denominator"] - evac["numerator"]
            said += (f"，最长疏散用时 {number(evac['parts']['longest_seconds'])} 秒"
                     + (f"，有 {number(slow)} 次超过 {number(evac['parts']['limit_seconds'])} 秒" if slow else ""))
        yield said + (f"；本学期尚缺{'、'.join(drills['missing'])}演练。" if drills["missing"] else "。")
    elif drills is not None and drills["missing"]:
        yield f"本学期尚未开展{'、'.join(drills['missing'])}演练。"
    bulletins = figures.get("bulletins_per_month") or {}
    if safety := bulletins.get("parts", {}).get("安全宣传栏"):
        yield f"安全宣传栏本学期更新 {number(sum(safety.values()))} 次（{mapping(safety)}）。"
    if (letters := figures.get("parent_letters")) and letters["value"]:
        topics = _topics(letters)
        yield f"向家长发放告家长书 {number(letters['value'])} 份" + (f"（{topics}）。" if topics else "。")


def _section_six(figures: dict[str, Any]) -> Iterator[str]:
    if (sample := figures.get("sample_compliance")) and _rate(sample) and sample["value"] < 1:
        yield f"另有 {number(sample['denominator'] - sample['numerator'])} 个菜品留样不合格或缺少留样。"
    published = figures.get("food_account_published")
    if _rate(published):
        if published["value"] >= 1:
            yield "幼儿伙食账每月向家长公示。"
        else:
            late = "、".join(m.split("（")[0] for m in published["missing"])
            yield (f"幼儿伙食账应公示的 {number(published['denominator'])} 个月中，{number(published['numerator'])} 个月已公示，"
                   f"{late} 尚未公示。")
    if (term := figures.get("food_account_term_ratio")) and term["denominator"]:
        months = figures.get("food_account_by_month", {}).get("parts", {})
        each = "、".join(f"{m} 结余 {number(p['surplus'])} 元（{percent(p['value'])}）" for m, p in months.items())
        limit = percent(term["parts"].get("limit", 0.02))
        within = term["parts"].get("within_limit")
        yield (f"伙食费各月{each}；本学期收入 {number(term['denominator'])} 元，结余 {number(term['numerator'])} 元，"
               f"占收入的 {percent(term['value'])}，" + (f"在 ±{limit} 的范围内。" if within else f"超出了 ±{limit} 的范围。"))
    if energy := figures.get("nutrition_energy_of_reference"):
        said = [f"每人每日能量为参考摄入量的 {percent(energy['value'])}"]
        if protein := figures.get("nutrition_protein_of_reference"):
            said.append(f"蛋白质为 {percent(protein['value'])}")
        if shares := figures.get("nutrition_energy_share", {}).get("value"):
            said.append(f"{'、'.join(shares)}供能比分别为 {'、'.join(percent(v) for v in shares.values())}")
        if quality := figures.get("nutrition_quality_protein_share"):
            said.append(f"优质蛋白占蛋白质的 {percent(quality['value'])}")
        yield f"对本学期 {number(energy['parts'].get('days'))} 天的带量食谱进行了营养分析：{'，'.join(said)}。"


SPECIAL = {"一": _section_one, "二": _section_two, "四": _section_four, "五": _section_five, "六": _section_six}


def weakest(figures: dict[str, Any], most: int = WEAKEST_SHOWN) -> list[tuple[str, dict[str, Any]]]:
    """The rates furthest below 100 %: what the reflection should speak to first."""
    low = [(fid, f) for fid, f in figures.items() if _rate(f) and 0 <= f["value"] < 1
           and fid not in OTHER_TARGETS and not fid.startswith("nutrition")]
    return sorted(low, key=lambda item: item[1]["value"])[:most]


def _sentences(figures: dict[str, Any], sentences: list[tuple[str, str]]) -> Iterator[str]:
    for figure_id, text in sentences:
        figure = figures.get(figure_id)
        if _rate(figure):
            yield text.format(rate=percent(figure["value"]), num=number(figure["numerator"]),
                              den=number(figure["denominator"]))


def paragraphs(report: dict[str, Any]) -> list[tuple[str, str]]:
    """(kind, text) in reading order: the title, an opening, each section's facts and what is
    left to write, a closing and the sign-off (the school's name, then the date)."""
    figures, term = report["figures"], report["term"]
    school = school_name(report)
    out: list[tuple[str, str]] = [
        (TITLE, f"{school}{term['name']}后勤工作总结"),
        (TODO, f"本学期（{chinese_date(term['start'])}至{chinese_date(term['counted_to'])}），我园后勤工作以保障幼儿安全和健康为中心，"
               f"服务保教工作。{TODO_MARK}本学期后勤工作的总体情况和主要成绩。现将本学期后勤工作总结如下："),
    ]
    for title, sentences, judgement in SECTIONS:
        out.append((HEADING, title))
        special = SPECIAL.get(title[0])
        text = "".join(_sentences(figures, sentences)) + ("".join(special(figures)) if special else "")
        if text:
            out.append((FACT, text))
        if title.startswith("七") and (low := weakest(figures)):
            listed = "；".join(f"{f['label']}为 {percent(f['value'])}" for _, f in low)
            out.append((FACT, f"从本学期的数据看，最需要改进的是：{listed}。"))
        out.append((TODO, f"{TODO_MARK}{judgement}。"))
    out.append((TODO, f"下学期，后勤工作将针对以上不足，继续做好安全、卫生保健和膳食管理工作。{TODO_MARK}下学期的工作重点。"))
    out.append((SIGNOFF, school))
    out.append((SIGNOFF, chinese_date(term["today"])))
    return out


def appendix(report: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """数据附表: each figure's label, result, and the counts that prove it (符合/应有, or the count)."""
    rows = []
    for figure in report["figures"].values():
        rows.append((figure["label"], shown_value(figure, with_counts=False), number(figure["numerator"]),
                     number(figure["denominator"]) if figure["denominator"] is not None else ""))
    return rows
