"""Parley's log lines: JSON, one object a line (production), or text for people (`make run`).

`configure_logging` is called by the app factory, so the format holds however
the process was started (`uvicorn --factory server:create_app`, gunicorn,
`python -m cli serve`). It puts one handler on the root logger (replacing one it
put there before) and, in JSON mode, gives uvicorn's own handlers the same
formatter, so every line of a process is JSON.

A JSON line holds `time`, `level`, `logger` and `message`, the fields a call
passed in `extra` (`request_id`, `operation`, `account_id`, `duration_ms`,
`outcome`, `status` on the request lines), and `exception` with the traceback
when there is one.
"""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from typing import Literal, TextIO

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


class _ParleyHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler Parley installs (found again, and replaced, by its type).

    It writes to whatever `sys.stderr` is when a line is written, not when it was made.
    """

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass


def configure_logging(log_format: LogFormat, level: str = "INFO") -> None:
    """Send Parley's logs (and every library's) to stderr in `log_format`, from `level` up."""
    formatter: logging.Formatter = (
        JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    )
    root = logging.getLogger()
    for previous in [h for h in root.handlers if isinstance(h, _ParleyHandler)]:
        root.removeHandler(previous)
    # `python -m cli serve` set up a stderr handler already (logging.basicConfig): reuse it.
    plain = [h for h in root.handlers if type(h) is logging.StreamHandler]
    for handler in plain:
        handler.setFormatter(formatter)
    if not plain:
        ours = _ParleyHandler()
        ours.setFormatter(formatter)
        root.addHandler(ours)
    logging.getLogger("parley").setLevel(level.upper())
    if log_format == "json":
        for name in UVICORN_LOGGERS:
            for uvicorn_handler in logging.getLogger(name).handlers:
                uvicorn_handler.setFormatter(formatter)
