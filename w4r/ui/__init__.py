"""Screen pieces the pages share, one module per piece of the screen.

`common` holds what every page needs (the database of this run, the visitor's language, inert
text, the navigation's page files); `case_cards`, `composer`, `printing`, `counts`, `organizer`,
`kiosk` and `locked` (the locked kiosk server) draw their part of the screen. Pages import `ui`
for the common pieces and the module of the piece they draw.
"""

from w4r.ui.common import *  # noqa: F401,F403 (the common pieces, named in common.__all__)
from w4r.ui.common import _, _n  # noqa: F401 (the translation functions are private by name)
