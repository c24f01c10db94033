import sys

from zhashui_inspector.cli.main import main

sys.exit(main())
