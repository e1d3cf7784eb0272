import sys

from geoconflict.cli import main

sys.exit(main())
