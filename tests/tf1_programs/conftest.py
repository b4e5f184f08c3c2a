"""The corpus programs are run by tests/test_tf1_program_corpus.py through `python -m tfsess`, never collected."""
collect_ignore_glob = ["programs/*.py", "*.py"]
