"""Composer pieces: the checker's findings, and translating the letter before it is printed."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from w4r import bilingual, letters, state, tone, translate
from w4r.cases import Case
from w4r.ui.common import _, inert, said

_SEVERITY_BOX = {"block": (st.error, ":material/block:"), "warn": (st.warning, ":material/warning:"),
                 "tip": (st.info, ":material/lightbulb:")}


def findings(text: str, found: Sequence[tone.Finding]) -> None:
    """Show the checker's findings: what it noticed, the words concerned, and what to do."""
    for finding in found:
        box, icon = _SEVERITY_BOX[finding.severity]
        words = " ".join(text[finding.start:finding.end].split())
        quoted = f"  \n> “{inert(words[:120])}{'…' if len(words) > 120 else ''}”" \
            if words and finding.end - finding.start < len(text) else ""
        box(f"{inert(finding.message)}{quoted}  \n**" + _("Try:") + f"** {inert(finding.suggestion)}",
            icon=icon)


def problems(found: Sequence[str]) -> None:
    """Show what stops a letter from printing or counting (the server's own check)."""
    for problem in found:
        st.warning(inert(said(problem)), icon=":material/edit_note:")


def translation_heading(translated: letters.Letter | None) -> str:
    """The line printed above a translation: the language's own name ("— français —")."""
    if translated is None:
        return ""
    return f"— {translate.language_name(translated.lang, translated.lang)} —"


def translation_panel(letter: letters.Letter, case: Case, kind: str) -> None:
    """Translate the letter on request; show both side by side and let the writer choose.

    A failure (offline, slow, refused) is a message: the letter stays, printing goes on.
    """
    if not translate.enabled():
        st.caption(_("Translation is switched off here. Your letter prints as you wrote it."))
        return
    codes = dict(translate.target_languages())
    default = translate.case_language(case, kind)  # the addressee's language, when the case says
    target = st.selectbox(_("Translate into"), list(codes), format_func=codes.get,
                          index=list(codes).index(default) if default in codes else None,
                          placeholder=_("Choose a language"))
    st.caption(_("This sends your letter's words (not your name) to Google Translate, and "
                 "needs the internet. It takes at most a few seconds."))
    if st.button(_("Translate"), icon=":material/translate:", disabled=target is None):
        with st.spinner(_("Translating…")):
            try:
                result = translate.translate(bilingual.words_to_translate(letter), target)
            except translate.TranslationError as exc:
                st.warning(inert(exc.message), icon=":material/wifi_off:")
            else:
                state.keep_translation(letter, bilingual.translated(letter, result.text, target))
    translated = state.translation(letter)
    if translated is None:
        return
    mine, theirs = st.columns(2)
    mine.markdown("**" + _("Your letter") + "**")
    mine.text(bilingual.words_to_translate(letter))
    theirs.markdown(f"**{inert(translate.language_name(translated.lang))}**")
    theirs.text(bilingual.words_to_translate(translated))
    st.warning(translate.TRUST_NOTE, icon=":material/info:")
    st.radio(_("What to print"), bilingual.CHOICES, key=state.option_key("print", "original"),
             on_change=state.save_option, args=("print",),
             format_func=lambda choice: _(bilingual.CHOICE_LABELS[choice]))
