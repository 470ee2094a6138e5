"""Scheduled jobs: APScheduler wiring, one elected runner per run, jobs that call services."""
