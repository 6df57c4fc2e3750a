"""The demo's invented people and prose are data, kept beside the code that walks the
services with them: `<app>/demo/<name>.toml` next to `<app>/demo.py` (STYLE.md 7).

TOML because the standard library reads it (tomllib) and its multi-line strings keep
long prose readable; PyYAML is not a dependency of the service. A `demo` folder beside
`demo.py` holds no Python (no `__init__.py`), so `import <app>.demo` still finds the module.
"""

import tomllib
from pathlib import Path


def demo_data(module_file: str, name: str) -> dict:
    """The data file `name` of the demo module at `module_file` (pass `__file__`)."""
    path = Path(module_file).with_name("demo") / f"{name}.toml"
    with path.open("rb") as file:
        return tomllib.load(file)
