"""The analysis as the nurse reads it on screen: `python -m sync nutrition` (text format)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from rules.nutrition import Analysis
from rules.nutrition.analysis import SHARE_LABELS
from rules.nutrition.foods import LABELS, NUTRIENT_KEYS, UNITS


def _pad(text: str, width: int, right: bool = False) -> str:
    """Pad to a display width: a Chinese character takes two columns in a console."""
    shown = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    space = " " * max(0, width - shown)
    return space + text if right else text + space


def _number(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _share(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def unknown_lines(analysis: Analysis) -> list[str]:
    """How many grams could not be counted, and where they were written."""
    lines = []
    for unknown in analysis.unknown:
        places = "、".join(f"{Path(p.source).name} {p.sheet}!{p.cell}" for p in unknown.places[:3])
        more = f" 等 {len(unknown.places)} 处" if len(unknown.places) > 3 else ""
        lines.append(f"  “{unknown.name}” 共 {unknown.grams:g} 克（{places}{more}）；是不是：{'、'.join(unknown.suggestions)}？")
    return lines


def format_text(analysis: Analysis) -> str:
    period = analysis.period
    lines = [f"膳食营养分析 {period.start} 至 {period.end}（{period.label()}）"]
    if not analysis.days:
        lines.append("这段时间没有食谱用料（食谱用料表，或每周食谱“主要食材”里写明克数的菜），无法分析。")
        return "\n".join(lines)
    basis = analysis.basis
    lines += [
        f"有用料的食谱天数：{analysis.days} 天；以下为平均{'每人日' if analysis.child_days else '每人每天'}（在园）；{basis['intake']}",
        f"参考值：{basis['dris']}；在园推荐量 = 全天推荐量 × {basis['in_school_share']:.0%}（供应的餐次：{basis['meals_served']}；"
        f"餐次能量占比：{basis['meal_shares']}）",
        f"儿童构成：{basis['children']}",
        f"评价标准：{basis['standards']}",
    ]
    if basis.get("note"):
        lines.append(f"说明：{basis['note']}")
    lines += ["", _pad("营养素", 20) + _pad("摄入量", 10, True) + _pad("在园推荐量", 12, True) + _pad("占推荐量", 10, True)]
    for key in NUTRIENT_KEYS:
        percent = analysis.percent_of_reference[key]
        lines.append(_pad(f"{LABELS[key]}（{UNITS[key]}）", 20) + _pad(_number(analysis.per_child_day[key]), 10, True)
                     + _pad(_number(analysis.reference[key]), 12, True)
                     + _pad(f"{percent:.0f}%" if percent is not None else "按供能比", 10, True))
    shares = "、".join(f"{SHARE_LABELS[k]} {_share(v)}" for k, v in analysis.energy_share.items())
    lines += [
        "",
        f"供能比：{shares}",
        f"优质蛋白（动物性和大豆类）占蛋白质：{_share(analysis.quality_protein_share)}"
        + (f"（动物性 {_share(analysis.protein_sources.get('animal_share'))}、大豆类 {_share(analysis.protein_sources.get('soy_share'))}）"
           if analysis.protein_sources else ""),
        "各餐能量：" + "、".join(f"{meal} {_share(share)}" for meal, share in analysis.meal_energy_share.items()),
        "餐次分配：" + ("、".join(f"{j['meals']} {_share(j['share'])}（应占 {_share(j['expected'])}，{j['verdict']}）"
                             for j in analysis.meal_judged) or "—"),
        "各类食物与推荐量：" + ("、".join(f"{j['group']} {j['grams']:g} 克（{j['verdict']}）" for j in analysis.groups_judged) or "—"),
        "各类食物（克/人/天）：" + "、".join(f"{group} {grams:.0f}" for group, grams in analysis.food_groups_g.items()),
    ]
    if cost := analysis.food_cost:
        lines.append(f"膳食费：{'、'.join(cost['months'])} 支出 {cost['spent']:g} 元，就餐 {cost['child_days']} 人日，"
                     f"每人日 {cost['per_child_day']:.2f} 元")
    missing = [f"{LABELS[k]}（{grams:.0f} 克/人/天）" for k, grams in analysis.no_value_g.items()]
    if missing:
        lines.append("食物成分表没有数值、未计入：" + "、".join(missing))
    if analysis.unknown:
        lines += ["", "食物成分表里没有、未能计入的食材："] + unknown_lines(analysis)
    lines += ["", "提醒：" if analysis.findings else "各项指标均达到评价标准。"]
    lines += [f"  {finding.message}" for finding in analysis.findings]
    return "\n".join(lines)
