"""The menu's nutrition analysis around the pure rules/nutrition/: shipped data, the analysis for a cycle, the `nutrition` command and its text and xlsx reports."""
