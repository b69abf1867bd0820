"""Data files shipped with the package: the food composition table (USDA SR28, with NDB numbers
and per-row notes) and the dietary reference intakes; read by sync/nutrition/data.py."""
