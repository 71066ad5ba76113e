"""w4r: run a Write for Rights letter-writing session in a classroom or at an event."""

__version__ = "0.1.0"

DISCLAIMER = (
    "w4r is an independent tool made by volunteers. It is not an official "
    "Amnesty International product."
)
