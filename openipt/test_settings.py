"""Settings for the test suite: the normal settings in test mode."""

import os

os.environ["OPENIPT_MODE"] = "test"

from openipt.settings import *  # noqa: E402,F401,F403
