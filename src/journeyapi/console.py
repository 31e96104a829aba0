"""The ``journeyapi`` command, started so that an early Ctrl-C ends it quietly.

The command's modules take a moment to import. An interrupt while they load
would otherwise print a traceback through the import machinery; here it ends
the process with the usual status for SIGINT (130). Once a command runs, click
(or the command itself) answers an interrupt.
"""

from __future__ import annotations

import signal
import sys


def main() -> None:
    try:
        from journeyapi.cli import main as command
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        sys.stderr.write("Interrupted.\n")
        sys.exit(130)
    command()
