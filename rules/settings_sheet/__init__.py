"""The 设置 sheets: staff set the rules' settings, the people and new registers in a sheet.

Pure, like the rest of rules/: typed tables of the four settings sheets (declared in
sheets_schema.json, read each cycle like any other sheet) in; what they change, and a
finding on every row that cannot be used, out. Every value is checked with the same
declarations that check the pack and the config (rules/kinds/settings.py), never a
validator of its own.

- `rule_settings.py` 规则设置: one row per rule setting, and 开/关 per rule;
- `people.py` 通知人员; `calendar_sheet.py` 学期与假期; `custom.py` 自定义表;
- `values.py` a cell's text as a setting's value, and the refusal of URLs and secrets.
"""

RULES = "settings_rules"
PEOPLE = "settings_people"
CALENDAR = "settings_calendar"
CUSTOM = "settings_custom"
SHEET_IDS = (RULES, PEOPLE, CALENDAR, CUSTOM)
