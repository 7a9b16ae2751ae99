"""The provisioning engine: planning, the RQ task, ansible-runner, events, the sweeper.

It imports no area: areas plan jobs through `planning.plan` and take part in runs through `hooks`.
"""

from flask import Flask


def init_app(app: Flask) -> None:
    from app import outbox
    from app.provisioning import cli, tasks

    outbox.route(app, "job", queue="provision", task=tasks.run_job, id_prefix="job", argument_key="job_id")
    app.cli.add_command(cli.provisioning_cli)
