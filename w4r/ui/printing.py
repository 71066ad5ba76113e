"""Printing pieces: the session's printer buttons, and what the printer answered."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import streamlit as st

from w4r import letters, pdf, printer, state
from w4r.ui.common import PDF_PREVIEW, _, inert

PREVIEW_KEY = "w4r-preview-open"  # the expander of the PDF preview (its state: open or not)


def send_to_printer(data: bytes, name: str, title: str,
                    action: Callable[[bytes, str, str], object] | None = None) -> None:
    """A button that prints the PDF on the session's printer (lp), once unless asked again;
    `action` is the callback that checks and prints (plain printing without one)."""
    again = state.sent_to_printer(data)
    st.button(_("Print again on {name}", name=inert(name)) if again
              else _("Print on {name}", name=inert(name)), icon=":material/print:",
              type="secondary" if again else "primary", on_click=action or print_now,
              args=(data, name, title))
    print_outcome()


def download(printed: pdf.Printed, file_name: str) -> None:
    """The download button, with the PDF built for this version of the letter.

    Not Streamlit's deferred download (the PDF built when clicked): the file it makes is not
    tied to the session, and every other session's run that ends removes such files (marked,
    then deleted), so with a class printing 4 downloads in 60 failed with 404 before the
    browser fetched them (bench/load.py, docs/BENCHMARKS.md).
    """
    st.download_button(_("Download the letter (PDF)"), data=printed.data, file_name=file_name,
                       mime="application/pdf", icon=":material/download:", on_click="ignore",
                       type="primary")


def preview(letter: letters.Letter, paper: str, layout: str, height: int) -> None:
    """The PDF viewer in an expander that builds the PDF only once it is opened."""
    with st.expander(_("Preview the PDF"), key=PREVIEW_KEY, on_change="rerun") as shown:
        if shown.open:
            pdf_preview(state.printed(letter, paper, layout), height)


def pdf_preview(printed: pdf.Printed, height: int) -> None:
    """The PDF viewer; a one-page PDF in the container that the page's style zooms to fit a
    phone (the viewer places later pages by their zoomed size, so they would overlap)."""
    with st.container(key=PDF_PREVIEW) if printed.pages == 1 else contextlib.nullcontext():
        st.pdf(printed.data, height=height)


def print_outcome() -> None:
    """Show what the printer said after the last print button, once."""
    if outcome := state.print_outcome():
        ok, message = outcome
        (st.success if ok else st.error)(inert(message), icon=":material/print:" if ok
                                         else ":material/print_disabled:")


def print_now(data: bytes, name: str, title: str) -> bool:
    """Send a PDF to lp and keep what happened for the page; True when it was sent."""
    try:
        result = printer.print_pdf(data, name, title=f"Write for Rights: {title}")
    except printer.PrintError as exc:
        state.print_outcome((False, _("Not printed: {reason}. Download the PDF and print it "
                                      "instead.", reason=exc)))
        return False
    state.mark_sent(data)
    state.print_outcome((True, _("Sent to {name}.", name=name) + f" {result.message}"))
    return True


def send_batch_to_printer(items: list[pdf.BatchItem], paper: str, cards: str, name: str,
                          title: str) -> None:
    """A button that builds the batch and sends it to the session's printer."""
    if st.button(_("Print the batch on {name}", name=inert(name)), icon=":material/print:"):
        with st.spinner(_("Laying out the letters…")):
            data = pdf.build_batch(items, paper, cards).data
        print_now(data, name, f"{title}: letters")
    print_outcome()
