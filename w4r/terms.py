"""The words w4r counts in, each defined once: the kinds of letter, the actions a tally counts,
and the patterns of a case id, a session code and a submission id."""

from __future__ import annotations

import re

LETTER_KINDS = ("solidarity", "appeal")  # a message of solidarity; an appeal to an authority
ACTIONS = ("letter", "card", "email", "petition", "social")
WRITTEN = ("letter", "card", "email")  # the actions that are letters written (a card, an e-mail)
CASE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")  # jani-silva
SESSION_CODE = re.compile(r"^[A-Z0-9]{3,12}$")  # 7B2026
SUBMISSION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")  # a uuid4 hex, or an import's
