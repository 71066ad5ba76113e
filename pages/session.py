"""Session settings: what the class or event offers and keeps, its join link and QR code, its PIN."""

import streamlit as st

from w4r import access, i18n, reports, sessions, state, terms, ui
from w4r.ui import _, organizer, storage

ui.entered_through_app()

database = ui.database()
session = organizer.require(database, "settings")

st.title(_("Session settings"), anchor=False)
ui.show_notice()

link = sessions.join_link(ui.base_url(), session.code)
code_col, qr_col = st.columns([3, 1], gap="large")
with code_col:
    st.markdown("### " + _("Join code: `{code}`", code=session.code))
    st.markdown(_("Students and visitors type the code on the Home page, or open the join link:"))
    st.code(link, language=None)
    st.caption(_("On a school or event network, open w4r through this computer's network address "
                 "(not “localhost”) so that the link and QR code work on other devices."))
with qr_col:
    st.image(organizer.qr_svg(link), caption=_("Scan to join"), width=180,
             alt=_("QR code of the join link"))

st.subheader(_("Projector link"), anchor=False)
st.markdown(_("Show the tally on the wall from any browser window, without signing it in: the "
              "projector link opens only the projector view (the total, a bar per case, the "
              "join code and its QR code). Making a new link ends the previous one."))
made = state.projector_link(session.code)
if made:
    st.code(made, language=None)
    st.link_button(_("Open the projector view"), made, icon=":material/open_in_new:")
    st.caption(_("Copy it now: w4r keeps only a fingerprint of it and cannot show it again."))
st.button(_("Make a new projector link") if made else _("Make a projector link"),
          icon=":material/cast:", on_click=organizer.new_projector_link, args=(session.code,))

st.subheader(_("Settings"), anchor=False)
with st.form("settings"):
    name = st.text_input(_("Name"), value=session.name, max_chars=sessions.MAX_NAME)
    kind_col, goal_col = st.columns(2)
    kind = kind_col.radio(_("Kind"), sessions.KINDS, index=sessions.KINDS.index(session.kind),
                          horizontal=True,
                          format_func=lambda kind: _(ui.SESSION_KINDS[kind]))
    goal = goal_col.number_input(_("Goal (actions)"), min_value=0, max_value=sessions.MAX_GOAL,
                                 value=session.goal)
    organizer_name = st.text_input(_("Organizer (optional)"), value=session.organizer,
                              max_chars=sessions.MAX_NAME)
    start_col, end_col = st.columns(2)
    starts = start_col.date_input(_("First day (optional)"), value=ui.day(session.starts_on))
    ends = end_col.date_input(_("Last day (optional)"), value=ui.day(session.ends_on))
    kinds = st.multiselect(_("Letters writers may write"), terms.LETTER_KINDS,
                           default=list(session.kinds), format_func=lambda kind: _(ui.KIND_LABELS[kind]))
    age = st.radio(_("Wording of the writing prompts"), sessions.AGE_BANDS,
                   index=sessions.AGE_BANDS.index(session.age_band), horizontal=True,
                   format_func=lambda band: _(ui.AGE_BANDS[band]))
    languages = list(dict.fromkeys((*i18n.LETTER_LANGUAGES, session.language)))
    language = st.selectbox(_("Language of the letters and prompts"), languages,
                            index=languages.index(session.language), format_func=i18n.name)
    keep_text = st.toggle(_("Keep the text of counted letters (for review and batch printing)"),
                          value=session.keep_text,
                          help=_("Off: letters are only counted, their text is never stored."))
    personal = st.toggle(_("Writers may put their own address, phone or e-mail in a letter"),
                         value=session.personal_data,
                         help=_("Off (recommended with young writers): the checker warns them."))
    show_names = st.toggle(_("Show first names on the projector"), value=session.show_names,
                           help=_("Only the first word of a name the writer chose to give."))
    grouping = st.text_input(_("School or event (to compare classes or tables)"),
                             value=session.grouping, max_chars=sessions.MAX_NAME,
                             placeholder=_("e.g. Lycée Victor Hugo 2026"))
    leaderboard = st.toggle(_("Appear on the leaderboard of this school or event"),
                            value=session.leaderboard)
    shared = st.toggle(_("Share this session's counts with the section"),
                       value=session.section_shared,
                       help=_("On: the national section's administrator sees this session's "
                              "name, school or event and counts (never letter text), and adds "
                              "them to the section's total. Off: it is not shown there."))
    zone_col, heads_col = st.columns(2)
    zone = zone_col.text_input(_("Time zone of the reports' dates (empty: this computer's, "
                                 "{zone})", zone=reports.machine_zone_name()),
                               value=session.timezone, max_chars=64,
                               placeholder="Europe/Paris")
    heads = heads_col.number_input(_("Participants you counted yourself (optional)"),
                                   min_value=0, max_value=sessions.MAX_GOAL,
                                   value=session.head_count)
    kiosk = st.toggle(_("Kiosk mode: a full-screen flow for public events (attract screen, big "
                      "buttons, no menu; leaving it needs the PIN)"), value=session.kiosk)
    idle = st.number_input(_("Kiosk: seconds without a touch before the next visitor's screen"),
                           min_value=sessions.IDLE_RANGE[0], max_value=sessions.IDLE_RANGE[1],
                           value=session.idle_seconds)
    draft_hours = st.number_input(
        _("Hours an unfinished letter is kept on the server, for a writer who reloads or "
          "comes back (deleted sooner once counted or at a kiosk)"),
        min_value=sessions.DRAFT_HOURS_RANGE[0], max_value=sessions.DRAFT_HOURS_RANGE[1],
        value=session.draft_hours)
    printer_name = st.text_input(
        _("Printer for this session (optional: its CUPS name, as `lpstat -p` shows it)"),
        value=session.printer, max_chars=127,
        help=_("With a printer, Print & count offers “Print on …”, straight to the printer "
             "connected to the computer that runs w4r. See docs/PRINTING.md."))
    saved = st.form_submit_button(_("Save settings"), type="primary")
if saved:
    try:
        done, _saved = storage.guarded(lambda: sessions.update(
            database, session.code, name=name, kind=kind, goal=int(goal),
            organizer=organizer_name, starts_on=ui.iso(starts), ends_on=ui.iso(ends),
            kinds=tuple(kinds), age_band=age, language=language,
            keep_text=keep_text, personal_data=personal, show_names=show_names,
            grouping=grouping, leaderboard=leaderboard, section_shared=shared,
            printer=printer_name.strip(), kiosk=kiosk, idle_seconds=int(idle),
            draft_hours=int(draft_hours),
            timezone=zone.strip(), head_count=int(heads)), "save")
    except ValueError as exc:
        st.error(_("Not saved: {reason}.", reason=ui.inert(exc)))
    else:
        if done:
            state.notice(_("Settings saved."))
            st.rerun()

st.subheader(_("Change the organizer PIN"), anchor=False)
with st.form("change-pin", clear_on_submit=True):
    old = st.text_input(_("Current PIN"), type="password", max_chars=access.MAX_PIN)
    new = st.text_input(_("New PIN"), type="password", max_chars=access.MAX_PIN)
    again = st.text_input(_("New PIN again"), type="password", max_chars=access.MAX_PIN)
    changed = st.form_submit_button(_("Change the PIN"))
if changed:
    try:
        done, _changed = storage.guarded(
            lambda: state.change_pin(database, session.code, old, new, again), "change")
    except ValueError as exc:
        st.error(_("Not changed: {reason}", reason=ui.inert(exc)))
    else:
        if done:
            st.success(_("The PIN is changed."), icon=":material/key:")
