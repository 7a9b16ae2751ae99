"""Provisioning: jobs planned at approval, the outbox to RQ, the worker task, ansible-runner, events."""
