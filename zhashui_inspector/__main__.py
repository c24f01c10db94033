import sys

from zhashui_inspector.cli.main import main

if __name__ == "__main__":   # not again in a child process (child_process.py)
    sys.exit(main())
