from __future__ import annotations

import sys

from ml.datagen.cli import main

sys.exit(main())
