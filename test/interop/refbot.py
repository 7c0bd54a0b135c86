#!/usr/bin/python3
"""Reference bot: reads and writes the vars_backup table the way Lumibot does.

Written for varsctl's interoperability tests. It reproduces the behaviour of
Lumibot 4.4.14 and later (``Strategy.backup_variables_to_db`` and
``Strategy.load_variables_from_db``) on the same stack the bot runs on:
SQLAlchemy, pandas, psycopg2 and pytz. It does not import Lumibot.

Usage (one JSON document on stdout, log lines on stderr):

    refbot.py --db URL [--table T] load STRATEGY
    refbot.py --db URL [--table T] load-each STRATEGY [STRATEGY ...]
    refbot.py --db URL [--table T] backup STRATEGY --vars-file FILE
    refbot.py --db URL [--table T] loop STRATEGY --iterations N --interval-ms M

URL is an SQLAlchemy URL, as in the bot's DB_CONNECTION_STR. Run with
PYTHONHASHSEED=0 when a set of str must be written in a fixed order, because
the bot writes sets in iteration order.
"""

import argparse
import datetime
import decimal
import json
import logging
import math
import re
import sys
import time
import uuid
from zoneinfo import ZoneInfo

import pytz
from sqlalchemy import create_engine, inspect, text

NEW_YORK = pytz.timezone("America/New_York")

# The bot's table creation writes this text into both `variables` and
# `strategy_id` of its first row.
PLACEHOLDER = "INITIAL VALUE"

# The loader's rules for turning string values back into datetimes and dates.
# In Python's `re`, `\d` also matches non-ASCII digits such as "٢".
DATETIME_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}T")
DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")

log = logging.getLogger("refbot")


class SafeJSONEncoder(json.JSONEncoder):
    """Encode the values the bot's encoder accepts beyond plain JSON types.

    Anything else raises TypeError, as the bot's encoder does: time,
    timedelta, UUID, frozenset, bytes, numpy integers and plain objects.
    """

    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.date)):
            return o.isoformat()

        if isinstance(o, decimal.Decimal):
            return float(o)

        if isinstance(o, set):
            return list(o)

        if hasattr(o, "to_dict"):
            return o.to_dict()

        return super().default(o)


class Vars:
    """The strategy's `self.vars`: an insertion-ordered mapping of variables."""

    def __init__(self):
        self._values = {}

    def set(self, key, value):
        self._values[key] = value

    def get(self, key, default=None):
        return self._values.get(key, default)

    def all(self):
        return dict(self._values)


class ToDictObj:
    """An object with `to_dict()`, like Lumibot's Asset or Order, for vars files."""

    def __init__(self, **fields):
        self._fields = fields

    def to_dict(self):
        return dict(self._fields)

    def __repr__(self):
        arguments = ", ".join(f"{name}={value!r}" for name, value in self._fields.items())
        return f"ToDictObj({arguments})"


def convert_date_strings(obj):
    """Turn the ISO-looking string values of one JSON object into dates.

    The json module calls this for every object, nested ones included, so
    strings inside lists and dict keys are never converted.
    """
    for key, value in obj.items():
        if not isinstance(value, str):
            continue

        if DATETIME_PREFIX.match(value):
            iso_text = value[:-1] + "+00:00" if value.endswith("Z") else value
            try:
                obj[key] = datetime.datetime.fromisoformat(iso_text)
            except ValueError:
                pass
        elif DATE_ONLY.match(value):
            try:
                obj[key] = datetime.datetime.strptime(value, "%Y-%m-%d").date()
            except ValueError:
                pass

    return obj


def split_table_name(table):
    """Split `schema.table` into (schema or None, table)."""
    schema, _, name = table.rpartition(".")
    return (schema or None, name)


class ReferenceBot:
    """One strategy's backup and load, with the bot's in-memory state."""

    def __init__(self, engine, strategy_id, table):
        self.engine = engine
        self.strategy_id = strategy_id
        self.table = table
        self.schema, self.table_name = split_table_name(table)
        self.vars = Vars()
        self._last_backup_state = None

    def backup_variables_to_db(self):
        """Write `self.vars` as the bot does and return what happened.

        The result is "inserted", "updated", "unchanged", "empty" or "failed". A value
        the encoder cannot write raises TypeError before anything is written,
        because the bot runs its change detection outside its try block.
        """
        now = datetime.datetime.now(NEW_YORK)

        if not inspect(self.engine).has_table(self.table_name, schema=self.schema):
            self._create_table(now)

        current_state = json.dumps(self.vars.all(), sort_keys=True, cls=SafeJSONEncoder)
        if current_state == self._last_backup_state:
            log.info("No variables changed. Not backing up.")
            return "unchanged"

        try:
            variables = self.vars.all()
            if not variables:
                log.info("No variables to back up")
                return "empty"

            status = self._write_row(json.dumps(variables, cls=SafeJSONEncoder), now)
            self._last_backup_state = current_state
            log.info("Variables backed up successfully")
            return status
        except Exception as error:
            log.error("Error backing up variables to DB: %s", error, exc_info=True)
            return "failed"

    def _create_table(self, now):
        import pandas as pd  # slow to import and needed only here

        # pandas picks the column types, so they are exactly the bot's:
        # TEXT/TIMESTAMP in SQLite, text/timestamptz in PostgreSQL, and an
        # index on `id` because the frame's index is written as a column.
        frame = pd.DataFrame(
            {
                "id": [str(uuid.uuid4())],
                "last_updated": [now],
                "variables": [PLACEHOLDER],
                "strategy_id": [PLACEHOLDER],
            }
        ).set_index("id")
        frame.to_sql(self.table_name, self.engine, schema=self.schema, if_exists="replace", index=True)

    def _write_row(self, variables_text, now):
        parameters = {"strategy_id": self.strategy_id, "last_updated": now, "variables": variables_text}

        with self.engine.connect() as connection:
            with connection.begin():
                exists = connection.execute(
                    text(f"SELECT 1 FROM {self.table} WHERE strategy_id = :strategy_id"),
                    parameters,
                ).fetchone()

                if exists:
                    connection.execute(
                        text(
                            f"UPDATE {self.table} SET last_updated = :last_updated, variables = :variables "
                            "WHERE strategy_id = :strategy_id"
                        ),
                        parameters,
                    )
                    return "updated"

                connection.execute(
                    text(
                        f"INSERT INTO {self.table} (id, strategy_id, last_updated, variables) "
                        "VALUES (:id, :strategy_id, :last_updated, :variables)"
                    ),
                    {**parameters, "id": str(uuid.uuid4())},
                )
                return "inserted"

    def load_variables_from_db(self):
        """Merge the stored variables into `self.vars` as the bot does.

        Returns (status, error text or None). Status is "loaded", "no_table",
        "no_row" or "error". Errors are logged and never raised, and keys held
        in memory are never deleted.
        """
        try:
            if not inspect(self.engine).has_table(self.table_name, schema=self.schema):
                log.info("Backup for %s does not exist in the database. Not restoring", self.strategy_id)
                return ("no_table", None)

            query = text(
                f"SELECT * FROM {self.table} WHERE strategy_id = :strategy_id "
                "ORDER BY last_updated DESC LIMIT 1"
            )
            with self.engine.connect() as connection:
                row = connection.execute(query, {"strategy_id": self.strategy_id}).fetchone()

            if row is None:
                log.debug("No data found in the backup")
                return ("no_row", None)

            variables = json.loads(row._mapping["variables"], object_hook=convert_date_strings)
            for key, value in variables.items():
                self.vars.set(key, value)

            self._last_backup_state = json.dumps(self.vars.all(), sort_keys=True, cls=SafeJSONEncoder)
            log.info("Variables loaded successfully from database")
            return ("loaded", None)
        except Exception as error:
            log.error("Error loading variables from database: %s", error, exc_info=True)
            return ("error", str(error))


def vars_file_namespace():
    """Names a vars file may use, as the fixture files do."""
    return {
        "datetime": datetime,
        "date": datetime.date,
        "Decimal": decimal.Decimal,
        "NY": NEW_YORK,
        "UTC": datetime.timezone.utc,
        "ZoneInfo": ZoneInfo,
        "ToDictObj": ToDictObj,
        "math": math,
        "uuid": uuid,
    }


def read_vars_file(path):
    """Read a vars file into a list of steps, each a dict assigned onto vars.

    The file is either one Python expression (a dict) or statements that
    assign VARS (a dict) or SEQUENCE (a list of dicts, one per backup).
    """
    with open(path, encoding="utf-8") as file:
        source = file.read()

    namespace = vars_file_namespace()
    try:
        code = compile(source, path, "eval")
    except SyntaxError:
        exec(compile(source, path, "exec"), namespace)
        if "SEQUENCE" in namespace:
            return list(namespace["SEQUENCE"])
        if "VARS" in namespace:
            return [namespace["VARS"]]
        raise ValueError(f"{path} assigns neither VARS nor SEQUENCE")

    value = eval(code, namespace)
    if not isinstance(value, dict):
        raise ValueError(f"{path} evaluates to {type(value).__name__}, expected a dict")
    return [value]


def describe_vars(vars_):
    """Tag each variable with its Python type name and repr."""
    return {key: {"type": type(value).__name__, "repr": repr(value)} for key, value in vars_.all().items()}


def run_load(bot, _arguments):
    status, error = bot.load_variables_from_db()
    return {"loaded": status == "loaded", "status": status, "error": error, "vars": describe_vars(bot.vars)}


def run_load_each(bot, arguments):
    # One fresh bot per strategy, as separate `load` runs would have, in one
    # process to save the interpreter's start-up time.
    results = {}
    for strategy_id in arguments.strategies:
        results[strategy_id] = run_load(ReferenceBot(bot.engine, strategy_id, bot.table), arguments)
    return results


def run_backup(bot, arguments):
    steps = []
    for assignments in read_vars_file(arguments.vars_file):
        for key, value in assignments.items():
            bot.vars.set(key, value)
        steps.append(bot.backup_variables_to_db())

    return {"steps": steps}


def run_loop(bot, arguments):
    # Each iteration loads first, as Lumibot's executor does at the start of
    # every trading iteration, so an edit made in between is picked up.
    for _ in range(arguments.iterations):
        bot.load_variables_from_db()
        bot.vars.set("counter", bot.vars.get("counter", 0) + 1)
        time.sleep(arguments.interval_ms / 1000)
        bot.backup_variables_to_db()

    return {"iterations": arguments.iterations, "counter": bot.vars.get("counter")}


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description="Read and write vars_backup as Lumibot does.")
    parser.add_argument("--db", required=True, help="SQLAlchemy database URL")
    parser.add_argument("--table", default="vars_backup", help="backup table, schema.table allowed")
    commands = parser.add_subparsers(dest="command", required=True)

    load = commands.add_parser("load", help="load a strategy's variables and print them")
    load.add_argument("strategy")
    load.set_defaults(run=run_load)

    load_each = commands.add_parser("load-each", help="load several strategies, each into a fresh bot")
    load_each.add_argument("strategies", nargs="+", metavar="strategy")
    load_each.set_defaults(run=run_load_each)

    backup = commands.add_parser("backup", help="assign the values of a vars file and back them up")
    backup.add_argument("strategy")
    backup.add_argument("--vars-file", required=True, help="Python file with VARS, SEQUENCE or one dict expression")
    backup.set_defaults(run=run_backup)

    loop = commands.add_parser("loop", help="run trading iterations that increment vars['counter']")
    loop.add_argument("strategy")
    loop.add_argument("--iterations", type=int, required=True)
    loop.add_argument("--interval-ms", type=int, default=0, help="sleep between load and backup, in milliseconds")
    loop.set_defaults(run=run_loop)

    return parser.parse_args(argv)


def main(argv):
    arguments = parse_arguments(argv)
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    log.setLevel(logging.DEBUG)

    engine = create_engine(arguments.db)
    strategy_id = arguments.strategies[0] if arguments.command == "load-each" else arguments.strategy
    bot = ReferenceBot(engine, strategy_id, arguments.table)
    try:
        result = arguments.run(bot, arguments)
    except TypeError as error:
        # The bot's backup raises for values its encoder cannot write.
        json.dump({"raised": "TypeError", "error": str(error)}, sys.stdout)
        return 1
    finally:
        engine.dispose()

    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
