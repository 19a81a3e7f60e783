"""Parley's log lines: JSON, one object a line (production), or text for people (`make run`).

`configure_logging` is called by the app factory, so the format holds however
the process was started (`uvicorn --factory parley.server:create_app`, gunicorn,
`python -m parley.cli serve`): it gives the root logger a stderr handler when it has
none, formats the plain stderr handlers it finds there, and in JSON mode gives
uvicorn's own handlers the same formatter, so every line of a process is JSON.

A JSON line holds `time`, `level`, `logger` and `message`, the fields a call
passed in `extra` (`request_id`, `operation`, `account_id`, `duration_ms`,
`outcome`, `status` on the request lines), and `exception` with the traceback
when there is one.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Literal

import orjson

LogFormat = Literal["json", "text"]
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")
# The attributes every LogRecord has; anything else on a record came from `extra`.
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(line, default=str).decode()


def configure_logging(log_format: LogFormat, level: str = "INFO") -> None:
    """Send Parley's logs (and every library's) to stderr in `log_format`, from `level` up."""
    formatter: logging.Formatter = (
        JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    )
    root = logging.getLogger()
    if not root.handlers:  # plain uvicorn and gunicorn leave the root logger bare
        root.addHandler(logging.StreamHandler())
    # Ours, or `python -m parley.cli serve`'s (logging.basicConfig); a host's own handlers
    # (pytest's, an embedding application's) keep their formats.
    for handler in root.handlers:
        if type(handler) is logging.StreamHandler:
            handler.setFormatter(formatter)
    logging.getLogger("parley").setLevel(level.upper())
    if log_format == "json":
        for name in UVICORN_LOGGERS:
            for uvicorn_handler in logging.getLogger(name).handlers:
                uvicorn_handler.setFormatter(formatter)
