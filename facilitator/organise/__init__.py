"""Organisers' work around the day: accounts, workshop specs and editing, the demo workshop."""
