"""``flask exercises``: the grader processes of a production setup."""

import os

import click
from flask import current_app
from flask.cli import AppGroup

from lms.exercises import queues, sandbox

exercises_cli = AppGroup("exercises", help="Code exercises.")


@exercises_cli.command("grader")
@click.option("--nice", "niceness", type=click.IntRange(0, 19), default=10, show_default=True,
              help="How much lower than the web servers' the CPU priority of this grader and its V8 worker is.")
@click.option("--idle/--no-idle", "idle_policy", default=True, show_default=True,
              help="Run under SCHED_IDLE too: the kernel hands the CPU at once to any other process that wants "
                   "it, where a niced grader still finishes its time slice first (milliseconds added to every "
                   "page). On a machine saturated by other work, gradings may then run out of their time limit.")
@click.option("--burst", is_flag=True, help="Grade what is queued now, then stop.")
@click.option("--log-level", default="INFO", show_default=True,
              type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"]))
def grader(niceness, idle_policy, burst, log_level):
    """Grade queued runs and submits (LMS_GRADING_QUEUE_URL), one at a time, with one V8
    worker, at a lower CPU priority than anything else on the machine (nice, and
    SCHED_IDLE unless --no-idle). Run one per core (see the README's production section);
    SIGTERM lets the current grading finish first."""
    app = current_app._get_current_object()
    if not app.config["LMS_GRADING_QUEUE_URL"]:
        raise click.ClickException("LMS_GRADING_QUEUE_URL is not set: without a queue, the web process grades "
                                   "in its own threads and there is nothing for a grader to serve.")
    # Both are inherited by the V8 worker this process starts (and by its threads).
    os.nice(niceness)
    if idle_policy:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    app.config["LMS_GRADER_WORKERS"] = 1  # one grading at a time needs one worker
    # Start the V8 worker now, so the first learner does not wait for it.
    sandbox.grade("export {};", [{"name": "warm-up", "code": ""}])
    queues.backend(app).serve(burst=burst, logging_level=log_level)
    sandbox.shutdown()
