from django.apps import AppConfig


class ReviewTypesConfig(AppConfig):
    name = "scr.reviewtypes"
    label = "reviewtypes"
    verbose_name = "Review types"
