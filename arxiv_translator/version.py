"""The package version (its own module: nothing imports the facade)."""

__version__ = "0.1.0"
