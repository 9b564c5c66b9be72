"""The one place the version of the `llmhub` distribution is written (read by hatch and both packages)."""

__version__ = "0.1.0"
