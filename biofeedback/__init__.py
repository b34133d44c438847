"""A calm biofeedback visualiser for heart rate and heart-rate variability."""

__version__ = "0.1.0"
