"""The term's 后勤工作总结 as a draft, in the seed's own sections: every sentence that states a
number is filled from the figures; every judgement is left to the principal, marked as such.

`paragraphs(report)` gives (section, kind, text) triples; the docx and text writers lay them out.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sync.report.wording import fraction, mapping, number, percent

FACT, TODO, HEADING = "fact", "todo", "heading"
TODO_MARK = "【请园长填写】"


SECTIONS: list[tuple[str, list[tuple[str, str]], str]] = [
    ("一、不断优化后勤队伍，提高服务意识和责任",
     [("meetings_per_week", "本学期在园的 {frac_den} 周中，有 {frac_num} 周召开了后勤例会，召开率{rate}{frac}。")],
     "后勤人员培训、考核和每日巡查的情况与成效"),
    ("二、规范卫生保健工作，促进幼儿健康成长",
     [("admission_exam_rate", "入园体检率{rate}{frac}，"), ("vaccination_check_rate", "预防接种证查验率{rate}{frac}；"),
      ("catch_up_completion_rate", "需补种疫苗的幼儿补种完成率{rate}{frac}；"),
      ("periodic_exam_rate", "本学期定期体检完成率{rate}{frac}；"),
      ("weak_children_followed", "体弱儿按时随访的比例为{rate}{frac}。"),
      ("morning_check_completeness", "晨检记录完整率{rate}{frac}，"),
      ("noon_check_completeness", "午检记录完整率{rate}{frac}；"),
      ("disinfection_completeness", "各消毒对象按频次完成消毒记录{rate}{frac}。"),
      ("attendance_rate", "本学期幼儿出勤率{rate}{frac}。"),
      ("growth_exam_rate", "本学期体检率{rate}{frac}，"), ("caries_rate", "体检幼儿龋齿率{rate}{frac}。"),
      ("letter_topics_covered", "告家长书必讲主题覆盖{rate}{frac}。")],
     "体检结果分析、常见病和传染病预防工作的成效"),
    ("三、加强保育工作，做到保教并重", [], "保育员一日工作流程的执行和业务培训情况"),
    ("四、加强资产管理，减少资源浪费",
     [("expenses_complete_rate", "已报销单据经手人、验收人、园长签字和收据齐全的比例为{rate}{frac}；"),
      ("asset_stocktake_rate", "学期固定资产盘点完成率{rate}{frac}；"),
      ("repairs_done", "报修 {frac_den} 项，已完成 {frac_num} 项（{rate}），"),
      ("repairs_in_house", "其中自修的占{rate}{frac}。")],
     "经费使用、物资申购和维修节约的情况"),
    ("五、明确安全责任，提升安全防范工作",
     [("responsibility_signed_rate", "本学期安全责任书签订率{rate}{frac}；"),
      ("inspections_on_time", "大型玩具、设施设备、消防器材等按周期安全检查的比例为{rate}{frac}；"),
      ("hazards_rectified_on_time", "发现的隐患按期整改率{rate}{frac}，"),
      ("hazards_rechecked", "整改后复查形成闭环的比例为{rate}{frac}；"),
      ("visitors_approved_rate", "外来人员经批准入园率{rate}{frac}。")],
     "安全宣传教育、大型活动保障和校园周边治安的情况"),
    ("六、加强膳食管理，保障幼儿饮食安全",
     [("menu_non_repetition", "有食谱的周中，菜品不重复的周占{rate}{frac}；"),
      ("sample_compliance", "供应的菜品留样合格（有留样、留样量和保存时间达标）的比例为{rate}{frac}；"),
      ("committee_held", "膳委会按月召开的月份占{rate}{frac}。")],
     "膳委会、营养分析结论和家长意见的落实情况"),
    ("七、工作反思", [], "本学期工作的不足和下学期的改进措施"),
]


def _special(section: str, figures: dict[str, Any]) -> Iterator[str]:
    """Sentences that are not a single rate: counts by type, by month, the food account."""
    if section.startswith("二") and (bulletins := figures.get("bulletins_per_month")):
        health = bulletins["parts"].get("保健宣传栏", {})
        if health:
            yield f"保健宣传栏本学期更新 {number(sum(health.values()))} 次（{mapping(health)}）。"
    if section.startswith("二"):
        if (cases := figures.get("infectious_cases")) is not None:
            by = cases["parts"].get("by_disease") or {}
            yield (f"本学期登记传染病 {number(cases['value'])} 例（{mapping(by)}）。" if by else "本学期未登记传染病病例。")
        found = [f"{f['label'].split('率')[0]} {number(f['numerator'])} 人" for fid, f in figures.items()
                 if fid.startswith("growth_") and fid != "growth_exam_rate" and f["numerator"]]
        if figures.get("growth_exam_rate", {}).get("numerator"):
            yield (f"按世界卫生组织儿童生长标准评价：{'、'.join(found)}，均应纳入专案管理。" if found
                   else "按世界卫生组织儿童生长标准评价，未发现营养性疾病。")
    if section.startswith("四") and (done := figures.get("repairs_done")) and done["denominator"]:
        yield f"维修费用合计 {number(done['parts'].get('cost', 0))} 元。"
    if section.startswith("五") and (hurt := figures.get("injuries")) is not None:
        by = hurt["parts"].get("by_type") or {}
        yield f"本学期登记幼儿伤害 {number(hurt['value'])} 次（{mapping(by)}）。" if by else "本学期未登记幼儿伤害。"
    if section.startswith("五"):
        if (found := figures.get("hazards_found")) is not None:
            yield f"本学期安全检查共发现隐患 {number(found['value'])} 处。"
        if (drills := figures.get("drills_by_type")) is not None:
            yield (f"本学期组织全体师生开展了 {number(drills['numerator'])} 次演练活动（{mapping(drills['value'])}）"
                   + (f"，尚缺{'、'.join(drills['missing'])}演练。" if drills["missing"] else "。"))
        if (quarters := figures.get("drills_by_quarter")) and quarters["value"]:
            yield f"按季度：{mapping(quarters['value'])}。"
        if (bulletins := figures.get("bulletins_per_month")) and (safety := bulletins["parts"].get("安全宣传栏")):
            yield f"安全宣传栏本学期更新 {number(sum(safety.values()))} 次（{mapping(safety)}）。"
    if section.startswith("六") and (term := figures.get("food_account_term_ratio")) and term["denominator"]:
        months = figures.get("food_account_by_month", {}).get("parts", {})
        each = "、".join(f"{m} 结余 {number(p['surplus'])} 元（{percent(p['value'])}）" for m, p in months.items())
        within = term["parts"].get("within_limit")
        limit = percent(term["parts"].get("limit", 0.02))
        yield (f"幼儿伙食账每月公布，{each}；本学期收入 {number(term['denominator'])} 元，结余 {number(term['numerator'])} 元，"
               f"占收入的 {percent(term['value'])}，" + (f"在 ±{limit} 的范围内。" if within else f"超出了 ±{limit} 的范围。"))
    if section.startswith("六") and (energy := figures.get("nutrition_energy_of_reference")):
        said = [f"每人每日能量达到参考摄入量的{percent(energy['value'])}{fraction(energy)}"]
        if protein := figures.get("nutrition_protein_of_reference"):
            said.append(f"蛋白质达到{percent(protein['value'])}{fraction(protein)}")
        if shares := figures.get("nutrition_energy_share", {}).get("value"):
            said.append(f"{'、'.join(shares)}供能比分别为{'、'.join(percent(v) for v in shares.values())}")
        if quality := figures.get("nutrition_quality_protein_share"):
            said.append(f"优质蛋白占蛋白质的{percent(quality['value'])}{fraction(quality)}")
        yield f"对本学期 {number(energy['parts'].get('days'))} 天的带量食谱进行营养分析：{'，'.join(said)}。"


def _shortfalls(figures: dict[str, Any]) -> str:
    """The rates under 100 %: what the reflection should at least speak to."""
    return "、".join(f"{f['label']} {percent(f['value'])}" for fid, f in figures.items()
                    if f["denominator"] and isinstance(f["value"], float) and 0 <= f["value"] < 1
                    and not fid.startswith(("food_account", "nutrition")))  # those have other targets


def paragraphs(report: dict[str, Any]) -> list[tuple[str, str]]:
    """(kind, text) in reading order: the title, each section's facts, then what is left to write."""
    figures = report["figures"]
    term = report["term"]
    out: list[tuple[str, str]] = [(HEADING, f"{term['name']}后勤工作总结（草稿）"),
                                  (FACT, f"本稿的数字由 Houqin 从后勤表格计算（{term['start']} 至 {term['counted_to']}），"
                                         f"括号内为“符合的条数/应有的条数”；标有{TODO_MARK}的地方请园长补写。")]
    for title, sentences, judgement in SECTIONS:
        out.append((HEADING, title))
        text = "".join(_sentences(figures, sentences)) + "".join(_special(title, figures))
        if text:
            out.append((FACT, text))
        if title.startswith("七") and (low := _shortfalls(figures)):
            out.append((FACT, f"本学期未达到 100% 的项目：{low}。"))
        out.append((TODO, f"{TODO_MARK}{judgement}。"))
    return out


def _sentences(figures: dict[str, Any], sentences: list[tuple[str, str]]) -> Iterator[str]:
    for figure_id, text in sentences:
        figure = figures.get(figure_id)
        if not figure or not figure["denominator"]:
            continue
        yield text.format(rate=percent(figure["value"]), frac=fraction(figure),
                          frac_num=number(figure["numerator"]), frac_den=number(figure["denominator"]))
