"""voice-agent: a real-time voice sales agent server."""

__version__ = "0.1.0"
