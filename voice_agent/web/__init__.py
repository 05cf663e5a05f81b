"""What the server gives browsers: the embeddable voice widget and the demo page at ``/``."""
