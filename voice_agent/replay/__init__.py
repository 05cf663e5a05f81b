"""Replaying recorded calls into a running server, and the reports of what happened."""
