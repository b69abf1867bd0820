"""How the term's figures read in the summary: percentages, counts and one sentence per
figure, the same in the text output, the workbook, the docx draft and the 学期报告 page."""

from __future__ import annotations

from typing import Any


def percent(value: Any) -> str:
    """0.976 -> 97.6%, 1.0 -> 100%; no value (nothing was due) -> —."""
    if not isinstance(value, (int, float)):
        return "—"
    shown = f"{value * 100:.1f}".rstrip("0").rstrip(".")
    return f"{shown}%"


def number(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def fraction(figure: dict[str, Any]) -> str:
    """（41/42）: the numerator over the denominator, so every percentage can be checked."""
    return f"（{number(figure['numerator'])}/{number(figure['denominator'])}）"


def mapping(values: dict[str, Any], unit: str = "次", english: bool = False) -> str:
    if english:
        return ", ".join(f"{key}: {number(count)}" for key, count in values.items()) or "none"
    return "、".join(f"{key} {number(count)} {unit}" for key, count in values.items()) or "无记录"


def shown_value(figure: dict[str, Any], english: bool = False, with_counts: bool = True) -> str:
    """The figure's value as one short text (the page's and the workbook's column); without
    its counts where they stand in columns of their own (the 数据附表)."""
    value = figure["value"]
    if isinstance(value, dict):
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) and float(v).is_integer() for v in value.values()):
            return mapping(value, english=english)
        return ("、" if not english else ", ").join(f"{k} {percent(v)}" for k, v in value.items()) or ("none" if english else "无记录")
    if figure["denominator"] is None:
        return number(value)
    if not with_counts:
        return percent(value)
    return f"{percent(value)}{fraction(figure)}" if not english else f"{percent(value)} ({number(figure['numerator'])}/{number(figure['denominator'])})"
