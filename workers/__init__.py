"""Celery: the app, the beat schedule and the tasks."""
