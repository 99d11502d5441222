"""quittex: leave X/Twitter without losing what you built there."""

__version__ = "0.1.0"
