"""Exports of a workshop's harvest: poster, report and archive (no Flask).

`document` holds the plain data every export is drawn from (`HarvestDocument`); the
adapter in `facilitator.web.jobs.exports` builds it from the database and runs the drawing
in a worker process.
"""
