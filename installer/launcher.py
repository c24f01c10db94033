"""Entry script of the frozen program (both the windowed and the console executable).

The same `main()` as `zhashui-inspector` from source: a command runs headless, no
arguments or a single work-file path (double-click, "Open with") opens the window.
"""

import sys

from zhashui_inspector.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
