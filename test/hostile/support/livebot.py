#!/usr/bin/python3
"""A running bot for varsctl's concurrency tests, built on the reference bot.

Each trading iteration does what Lumibot's executor does: load the stored
variables, change them (here: increment `counter`, and set `price` and
`stamp` from it), spend `--work-ms` inside the iteration, back up, then idle
for `--idle-ms` until the next iteration. The loader and writer are the
reference bot's (`test/interop/refbot.py`), which reproduce Lumibot's.

Every load and every backup is appended to `--state-log` as one JSON line,
with the exact `variables` text the backup wrote, so a test can tell which
states the bot really had. The loop runs `--iterations` times, or until
SIGTERM, which ends it after the iteration under way. The last line on
stdout is {"iterations": N, "counter": C}.

Usage:

    livebot.py --db URL --state-log FILE STRATEGY
               [--iterations N] [--work-ms W] [--idle-ms I]
"""

import argparse
import json
import logging
import os
import signal
import sys
import time
from datetime import datetime

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "interop"))

import refbot  # noqa: E402  (the path is set just above)
from sqlalchemy import create_engine  # noqa: E402

stop_requested = False


def request_stop(_signal_number, _frame):
    global stop_requested
    stop_requested = True


def bot_text(bot):
    """The `variables` text the bot's writer produces for its current state."""
    return json.dumps(bot.vars.all(), cls=refbot.SafeJSONEncoder)


def run(arguments, log_file):
    engine = create_engine(arguments.db)
    bot = refbot.ReferenceBot(engine, arguments.strategy, arguments.table)
    iterations = 0

    def log(event, **fields):
        log_file.write(json.dumps({"event": event, "iteration": iterations, **fields}) + "\n")
        log_file.flush()

    try:
        while iterations < arguments.iterations and not stop_requested:
            iterations += 1

            status, error = bot.load_variables_from_db()
            log("load", status=status, error=error, text=bot_text(bot))

            counter = bot.vars.get("counter", 0) + 1
            bot.vars.set("counter", counter)
            bot.vars.set("price", counter * 0.25)
            bot.vars.set("stamp", datetime.now(refbot.NEW_YORK))
            time.sleep(arguments.work_ms / 1000)

            status = bot.backup_variables_to_db()
            log("backup", status=status, counter=counter, text=bot_text(bot))
            time.sleep(arguments.idle_ms / 1000)
    finally:
        engine.dispose()

    return {"iterations": iterations, "counter": bot.vars.get("counter")}


def main(argv):
    parser = argparse.ArgumentParser(description="Run a bot loop and log every state it loads and writes.")
    parser.add_argument("--db", required=True, help="SQLAlchemy database URL")
    parser.add_argument("--table", default="vars_backup")
    parser.add_argument("--state-log", required=True, help="file that gets one JSON line per load and backup")
    parser.add_argument("--iterations", type=int, default=1_000_000)
    parser.add_argument("--work-ms", type=int, default=5, help="time spent inside an iteration, between load and backup")
    parser.add_argument("--idle-ms", type=int, default=30, help="time between a backup and the next load")
    parser.add_argument("strategy")
    arguments = parser.parse_args(argv)

    logging.basicConfig(stream=sys.stderr, level=logging.ERROR)
    signal.signal(signal.SIGTERM, request_stop)

    with open(arguments.state_log, "a", encoding="utf-8") as log_file:
        result = run(arguments, log_file)

    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
