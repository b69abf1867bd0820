"""膳食营养 figures for the term, from the menu's nutrition analysis over the term's days
(rules.nutrition): energy and protein against the children's reference intake, the energy
shares of protein, fat and carbohydrate, and the share of high-quality protein."""

from __future__ import annotations

from rules.nutrition import Analysis
from rules.nutrition.analysis import SHARE_LABELS
from rules.term_report.base import Figure

AGAINST_REFERENCE = (
    ("energy_kcal", "nutrition_energy_of_reference", "每人每日能量达到参考摄入量的", "Energy per child-day against the reference"),
    ("protein_g", "nutrition_protein_of_reference", "每人每日蛋白质达到参考摄入量的", "Protein per child-day against the reference"),
)


def nutrition_figures(analysis: Analysis) -> list[Figure]:
    """No figure when no menu day of the term has ingredient rows."""
    if not analysis.days:
        return []
    per_day, reference = analysis.per_child_day, analysis.reference
    days = {"days": analysis.days, "unknown_ingredients": len(analysis.unknown)}
    made = [Figure(figure_id, label, label_en, numerator=round(per_day[key], 1), denominator=round(reference[key], 1),
                   value=per_day[key] / reference[key], parts=days)
            for key, figure_id, label, label_en in AGAINST_REFERENCE if reference.get(key) and key in per_day]
    shares = {SHARE_LABELS[k]: v for k, v in analysis.energy_share.items() if v is not None and k in SHARE_LABELS}
    made.append(Figure("nutrition_energy_share", "蛋白质、脂肪、碳水化合物供能比", "Energy from protein, fat and carbohydrate",
                       numerator=None, denominator=None, value=shares, parts=days))
    protein = per_day.get("protein_g")
    if analysis.quality_protein_share is not None and protein:
        made.append(Figure("nutrition_quality_protein_share", "优质蛋白占蛋白质的", "High-quality protein share of protein",
                           numerator=round(analysis.quality_protein_share * protein, 1), denominator=round(protein, 1),
                           value=analysis.quality_protein_share, parts=days))
    return made
