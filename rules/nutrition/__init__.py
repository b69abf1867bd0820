"""Menu nutrition analysis (膳食营养分析), pure: food rows, ingredient rows and settings in,
figures and findings out. The data files under data/ are read by sync/nutrition/data.py."""

from rules.nutrition.analysis import Analysis, Period, analyse
from rules.nutrition.foods import NUTRIENT_KEYS, Food, FoodRowError, FoodTable, food_from_row
from rules.nutrition.ingredients import IngredientUse, Where, parse_ingredient_text
from rules.nutrition.references import Dris
from rules.nutrition.settings import NutritionSettings, NutritionSettingsError, settings_from

__all__ = [
    "NUTRIENT_KEYS", "Analysis", "Dris", "Food", "FoodRowError", "FoodTable", "IngredientUse", "NutritionSettings",
    "NutritionSettingsError", "Period", "Where", "analyse", "food_from_row", "parse_ingredient_text", "settings_from",
]
