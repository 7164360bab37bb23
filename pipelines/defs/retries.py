"""Retrying a step after a transient failure, with exponential backoff.

Transient: an I/O error (the warehouse still locked by another process after the lock wait, a full
or unavailable disk, a landing share that dropped); not a permission error or a path that is a
directory, which would only fail again. The step is retried up to MAX_RETRIES times,
waiting MASSCREEN_RETRY_SECONDS (default 30) times 2 to the power of the retry number. Every step
writes in transactions, so a retry starts from the state before the failed attempt. Anything else
(a refused file, an error in the rule file or the SQL) fails the run at once: it would fail again.
"""

import functools
import inspect

import dagster as dg
import duckdb

from pipelines.core.settings import seconds_setting

MAX_RETRIES = 3
TRANSIENT_ERRORS = (duckdb.IOException, OSError)
# Errors of those types that would only fail again: a wrong path or permission is the user's to fix.
_PERMANENT_OS_ERRORS = (PermissionError, IsADirectoryError, NotADirectoryError)
_PERMANENT_DUCKDB_MESSAGES = ("permission denied", "is a directory", "not a directory")


def is_transient(error: BaseException) -> bool:
    """An I/O error that can pass: a lock still held, a full or unavailable disk, a dropped share.
    Not a permission or a path that is a directory."""
    if isinstance(error, _PERMANENT_OS_ERRORS):
        return False
    if isinstance(error, duckdb.IOException):
        return not any(message in str(error).lower() for message in _PERMANENT_DUCKDB_MESSAGES)
    return isinstance(error, TRANSIENT_ERRORS)


def backoff_seconds(retry_number: int) -> float:
    return seconds_setting("MASSCREEN_RETRY_SECONDS", 30) * 2 ** retry_number


def _retry(context, error: Exception) -> dg.RetryRequested:
    wait = backoff_seconds(context.retry_number)
    context.log.warning(f"transient failure, retrying in {wait:g} s: {type(error).__name__}: {error}")
    return dg.RetryRequested(max_retries=MAX_RETRIES, seconds_to_wait=wait)


def retry_transient(asset_fn):
    """Decorate an asset function (first parameter: its context) to retry transient failures."""
    if inspect.isgeneratorfunction(asset_fn):
        @functools.wraps(asset_fn)
        def generator(context, *args, **kwargs):
            try:
                yield from asset_fn(context, *args, **kwargs)
            except TRANSIENT_ERRORS as error:
                if not is_transient(error):
                    raise
                raise _retry(context, error) from error
        return generator

    @functools.wraps(asset_fn)
    def function(context, *args, **kwargs):
        try:
            return asset_fn(context, *args, **kwargs)
        except TRANSIENT_ERRORS as error:
            if not is_transient(error):
                raise
            raise _retry(context, error) from error
    return function
