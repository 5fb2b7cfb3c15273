"""The command line of a case program, the Python twin of parity::CaseArgs
(cases/support/include/parity/case_args.hpp): the same grammar, defaults and error messages.

    PROGRAM [--start-method fork|spawn|forkserver] [--param KEY=VALUE]...

`--start-method=M` and `--param=KEY=VALUE` are accepted too. Without --start-method the method is
"fork" (CPython's default on Linux), so `python3 case.py` alone runs. A VALUE may be empty and may
hold `=`; a KEY may not be empty. An unknown argument, a missing or invalid value, or an option
given twice (the same KEY twice) prints the usage line and "PROGRAM: error: MESSAGE" on stderr and
exits 2, as argparse does; so does a getter asked for a number the given value does not spell.
Numbers are spelled alike in both languages: an integer is [+-]digits within 64 bits; a float is a
finite decimal ([+-], digits with an optional point, an optional exponent; no inf, nan, hex or
underscores).

A case imports it from its directory, cases/<area>/<name>/ (standard library only, nothing to
install, so `python3 case.py` works by hand from anywhere):

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
    import case_args

    if __name__ == "__main__":
        args = case_args.parse()
        mp.set_start_method(args.start_method)

Spawn and forkserver children start from the parent's sys.path and sys.argv, so a case that parses
at import time (outside the __main__ block) sees the parent's command line there; the forkserver
process itself has none and gets the defaults.
"""
import math
import os
import re
import sys

START_METHODS = ("fork", "spawn", "forkserver")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


class UsageError(Exception):
    """A command line the case cannot run with; str() is the message after "PROGRAM: error: "."""


def usage(program):
    return f"usage: {program} [--start-method fork|spawn|forkserver] [--param KEY=VALUE]..."


def exit_with_usage_error(program, message):
    """The usage line and "PROGRAM: error: MESSAGE" on stderr, then exit 2 (as argparse)."""
    sys.stdout.flush()
    sys.stderr.write(f"{usage(program)}\n{program}: error: {message}\n")
    sys.exit(2)


class CaseArgs:
    def __init__(self, start_method="fork", params=None, program="case.py"):
        self.start_method = start_method
        self.params = dict(params or {})
        self.program = program

    def has_param(self, key):
        return key in self.params

    def str_param(self, key, default):
        """The --param value of key, or default when key was not given."""
        return self.params.get(key, default)

    def int_param(self, key, default):
        """The same as a whole number; a usage error (exit 2) if the value is not one."""
        return self._number(key, default, _integer)

    def float_param(self, key, default):
        """The same as a finite decimal number; a usage error (exit 2) if the value is not one."""
        return self._number(key, default, _finite_decimal)

    def _number(self, key, default, convert):
        if key not in self.params:
            return default
        value = self.params[key]
        try:
            return convert(value)
        except UsageError as why:
            exit_with_usage_error(self.program, f"argument --param: {key}={value}: {why}")


def _integer(value):
    if not _INTEGER.fullmatch(value):
        raise UsageError("not an integer")
    number = int(value)
    if not -(2**63) <= number < 2**63:
        raise UsageError("not a 64-bit integer")
    return number


def _finite_decimal(value):
    if not _DECIMAL.fullmatch(value):
        raise UsageError("not a number")
    number = float(value)
    if math.isinf(number):
        raise UsageError("not a finite number")
    return number


def _take_option(option, argv, index):
    """(value, next index) when argv[index] is `option VALUE` or `option=VALUE`, else None."""
    arg = argv[index]
    if arg == option:
        if index + 1 >= len(argv):
            raise UsageError(f"argument {option}: expected one argument")
        return argv[index + 1], index + 2
    if arg.startswith(option + "="):
        return arg[len(option) + 1 :], index + 1
    return None


def parse_args(argv):
    """CaseArgs from a full argv (argv[0] is the program); raises UsageError."""
    args = CaseArgs(program=os.path.basename(argv[0]) if argv else "case.py")
    start_method_given = False
    index = 1
    while index < len(argv):
        taken = _take_option("--start-method", argv, index)
        if taken is not None:
            value, index = taken
            if start_method_given:
                raise UsageError("argument --start-method: given twice")
            if value not in START_METHODS:
                raise UsageError(
                    f"argument --start-method: invalid choice: '{value}' (choose from fork, spawn, forkserver)"
                )
            args.start_method = value
            start_method_given = True
            continue
        taken = _take_option("--param", argv, index)
        if taken is not None:
            value, index = taken
            key, equals, param_value = value.partition("=")
            if not equals or not key:
                raise UsageError(f"argument --param: expected KEY=VALUE, got '{value}'")
            if key in args.params:
                raise UsageError(f"argument --param: {key} given twice")
            args.params[key] = param_value
            continue
        raise UsageError(f"unrecognized argument: {argv[index]}")
    return args


def parse(argv=None):
    """CaseArgs from sys.argv (or argv); a usage error prints usage and exits 2."""
    argv = sys.argv if argv is None else argv
    try:
        return parse_args(argv)
    except UsageError as error:
        exit_with_usage_error(os.path.basename(argv[0]) if argv else "case.py", str(error))
