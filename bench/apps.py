from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmarks' app: only for its `seed_scale` command (bench/scale), which writes
    the rows of every stage and so cannot live in the core."""

    name = "bench"
    verbose_name = "Benchmarks"
