"""The rule kinds, registered by name with the settings each accepts.

- rows: due_by_interval, deadline, expiry, comparison, required_if, duration, computed,
  forbidden_words
- periods: completeness, no_repeat, next_week_planned, ratio_limit, term_coverage,
  term_task, exists_in
- nutrition: ingredients_listed, known_food
- outbreaks: cluster, counted_in, isolation, disinfected_after
- growth: growth
- health: within_days, named_elsewhere, topic_schedule

Importing this package registers them all in `KINDS`.
"""

from rules.kinds import growth, health, nutrition, outbreaks, periods, rows
from rules.kinds.base import KINDS

__all__ = ["KINDS", "growth", "health", "nutrition", "outbreaks", "periods", "rows"]
