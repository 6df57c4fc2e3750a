from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "scr.deadlines"
    label = "deadlines"
    verbose_name = "Deadlines"
