"""Developer tools that ship with llmhub: `python -m llmhub.tools.run_tests_with_report`."""
