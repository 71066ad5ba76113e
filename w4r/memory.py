"""Memory of the server process: what lives as long as the process stays out of full garbage
collections (Python's own, and Streamlit's after every script run where `runner.postScriptGC`
is on; w4r's .streamlit/config.toml turns that one off: docs/BENCHMARKS.md).

The server holds ~130,000 objects that never die: modules, classes, functions, the fonts and
tone rules (sqlite-utils, fpdf2 with fontTools and deep-translator bring most of them). A full
collection walks all of them after every click: ~56 ms a rerun on a 2-core laptop, against
~8 ms for a bare Streamlit app. `gc.freeze()` moves the objects alive now into a permanent
generation that collections skip; reference counting still frees them. It runs when the set
of loaded modules grew (at start-up, and once after a page first imports, say, the charts),
right after a full collection, so only objects alive then are frozen.
"""

from __future__ import annotations

import gc
import sys

_modules_at_last_freeze = 0


def settle() -> bool:
    """Freeze the objects alive now if modules were loaded since the last time; True if it did."""
    global _modules_at_last_freeze
    loaded = len(sys.modules)
    if loaded == _modules_at_last_freeze:
        return False
    gc.collect()
    gc.freeze()
    _modules_at_last_freeze = loaded
    return True
