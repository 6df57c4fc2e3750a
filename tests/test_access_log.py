"""The web server's access log (the Dockerfile's gunicorn) keeps no query string and no
referrer: a search of 'My cases' by the adult's name carries it in the address (#19)."""

import datetime
import json
import re
from pathlib import Path
from types import SimpleNamespace

from gunicorn.config import Config
from gunicorn.glogging import Logger

DOCKERFILE = Path(__file__).resolve().parent.parent / "Dockerfile"


def _command() -> list[str]:
    text = DOCKERFILE.read_text().replace("\\\n", "")
    return json.loads(re.search(r"^CMD (\[.*\])$", text, re.MULTILINE).group(1))


def _line(log_format: str) -> str:
    config = Config()
    config.set("access_log_format", log_format)
    logger = Logger(config)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/cases/?q=Hypatia+Quenby",
        "PATH_INFO": "/cases/",
        "QUERY_STRING": "q=Hypatia+Quenby",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "192.0.2.1",
        "HTTP_REFERER": "https://scr.example.org/cases/?q=Hypatia+Quenby",
        "HTTP_USER_AGENT": "Firefox",
    }
    request = SimpleNamespace(headers=[], uri="/cases/?q=Hypatia+Quenby", query="q=Hypatia+Quenby")
    response = SimpleNamespace(status="200 OK", response_length=10, sent=10, headers=[])
    atoms = logger.atoms(response, request, environ, datetime.timedelta(seconds=0.1))
    return log_format % atoms


def test_the_access_log_names_the_path_not_the_query_nor_the_referrer():
    command = _command()
    log_format = command[command.index("--access-logformat") + 1]
    line = _line(log_format)
    assert '"GET /cases/ HTTP/1.1" 200' in line
    assert "Quenby" not in line and "q=" not in line


def test_gunicorn_s_default_format_would_have_logged_the_name():
    assert "Quenby" in _line(Config().access_log_format)
