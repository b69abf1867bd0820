"""The rule kinds, registered by name for `sheets_schema.json` to use.

- rows: due_by_interval, deadline, expiry, comparison, required_if, duration, computed,
  forbidden_words
- periods: completeness, no_repeat, next_week_planned, ratio_limit, term_coverage,
  term_task, exists_in
- nutrition: ingredients_listed, known_food
"""

from rules.kinds import nutrition, periods, rows

__all__ = ["nutrition", "periods", "rows"]
