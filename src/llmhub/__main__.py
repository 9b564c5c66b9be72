"""`python -m llmhub` runs the command line."""

from llmhub._entry import main

main()
