"""`python -m sync init`: an empty workbook of the pack, ready for staff to fill in."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from rules.kinds.settings import BOOL, SEVERITY
from rules.pack.spec import Pack
from rules.settings_sheet import RULES
from rules.settings_sheet.rule_settings import HEADERS, tunables
from rules.settings_sheet.values import SEVERITY_SHOWN, shown
from sync.demo.layout import add_pack_sheet, guide_sheet
from sync.output import xlsx_text


def write_empty_workbook(pack: Pack, out: Path) -> Path:
    """One sheet per pack sheet plus a 说明 sheet first (callers write through sync/output/files.py,
    which puts it beside the target first and moves it over)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    guide_sheet(workbook, pack)
    for spec in pack.sheets:
        sheet = add_pack_sheet(workbook, spec)
        if spec.id == RULES:
            fill_rule_settings(sheet, pack)
    xlsx_text.save(workbook, out)
    return out


def fill_rule_settings(sheet: Worksheet, pack: Pack) -> None:
    """规则设置 pre-filled from the kinds' declarations: every rule's settings with their
    defaults and help, 值 left blank (blank keeps the default, or the config's value), and a
    dropdown in 值 for 开/关, 是/否 and 错误/提醒."""
    columns = {name: index for index, name in enumerate(HEADERS, start=1)}
    choices: dict[str, list[str]] = {}
    for row, tunable in enumerate(tunables(pack), start=2):
        default = shown(tunable.default, tunable.setting, switch=tunable.switch)
        for name, value in (("规则", tunable.title), ("设置项", tunable.label), ("默认值", default),
                            ("说明", f"{tunable.sheet.name}：{tunable.help}")):
            sheet.cell(row=row, column=columns[name], value=value).alignment = Alignment(wrap_text=name == "说明")
        if tunable.setting.type == BOOL:
            choices.setdefault("开,关" if tunable.switch else "是,否", []).append(f"C{row}")
        elif tunable.setting.type == SEVERITY:
            choices.setdefault(",".join(SEVERITY_SHOWN.values()), []).append(f"C{row}")
    for options, cells in choices.items():
        validation = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True)
        validation.showErrorMessage = False  # staff may still type; Houqin answers in 系统提醒
        sheet.add_data_validation(validation)
        for cell in cells:
            validation.add(cell)
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 22
    sheet.column_dimensions["E"].width = 50
