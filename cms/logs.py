"""Logging of `cms serve`: uvicorn's configuration, plus our loggers, plus database drivers kept to one line.

A driver that cannot reach the database (asyncpg refilling its pool during an outage, say) logs a traceback per
retry; the condition is operational, already answered with 503s and reported once by our own loggers, so its
lines are kept but folded to one each.
"""

import copy
import logging
from typing import Any

import uvicorn.config
from uvicorn.logging import DefaultFormatter


class OneLineFormatter(DefaultFormatter):
    """A record with an exception becomes 'message (ConnectionRefusedError: …)', without the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            record = logging.makeLogRecord(record.__dict__ | {"exc_info": None, "exc_text": None})
            record.msg = f"{record.getMessage()} ({type(exc).__name__}: {exc})"
            record.args = None
        return super().format(record)


def log_config() -> dict[str, Any]:
    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["formatters"]["one_line"] = {"()": "cms.logs.OneLineFormatter", "fmt": "%(levelprefix)s %(message)s"}
    config["handlers"]["one_line"] = {
        "formatter": "one_line",
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stderr",
    }
    config["loggers"]["cms"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    config["loggers"]["_granian"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    config["loggers"]["asyncpg"] = {"handlers": ["one_line"], "level": "WARNING", "propagate": False}
    return config
