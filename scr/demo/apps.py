from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "scr.demo"
    label = "demo"
    verbose_name = "Demo data"
