"""The ``/v1/realtime`` WebSocket: an OpenAI Realtime API compatible voice session."""
