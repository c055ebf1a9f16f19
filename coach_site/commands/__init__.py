"""One module per coach-site command, below the click layer in cli.py."""
