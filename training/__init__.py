"""Training room: corpora readers, domain data assembly, the trainer and its CLI (python -m training)."""
