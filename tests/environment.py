"""scr/settings.py as it reads a given environment, for the tests of what the variables
choose. The file is run afresh (runpy): the settings already loaded stay as they are."""

import runpy
from pathlib import Path

import scr.settings

SETTINGS_FILE = Path(scr.settings.__file__)


def settings_from(environment: dict[str, str], monkeypatch, *, unset=()) -> dict:
    """The settings module's names after reading `environment` on top of the process's
    own, less the variables in `unset`."""
    for key in unset:
        monkeypatch.delenv(key, raising=False)
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    return runpy.run_path(str(SETTINGS_FILE))
