"""``python -m generator``: the same command line as ``magegen``."""

from generator.cli import main

if __name__ == "__main__":
    main(prog_name="magegen")
