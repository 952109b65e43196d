"""Locale choice and the translated texts shared by views, sockets and the browser."""

from __future__ import annotations

from flask import current_app, g, request
from flask_babel import gettext, lazy_gettext

LANGUAGE_NAMES = {"nl": "Nederlands", "fr": "Français", "en": "English"}


def select_locale() -> str:
    """The caller's language: chosen in the app, then asked for, then the browser's."""
    languages = current_app.config["LANGUAGES"]
    chosen = getattr(g, "locale", None)
    if chosen in languages:
        return chosen
    asked = request.args.get("lang") or request.cookies.get("lang")
    if asked in languages:
        return asked
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


ROLE_LABELS = {
    "resident": lazy_gettext("Resident"),
    "care_organisation": lazy_gettext("Care organisation"),
    "welfare_organisation": lazy_gettext("Welfare organisation"),
    "local_government": lazy_gettext("Local government"),
    "volunteer": lazy_gettext("Volunteer"),
    "other": lazy_gettext("Other"),
}

# Error codes raised by the domain, as people read them.
ERROR_MESSAGES = {
    "unknown_workshop": lazy_gettext("There is no workshop with this code."),
    "unknown_participant": lazy_gettext("We do not know you in this workshop. Please join again."),
    "unauthorized": lazy_gettext("You are not allowed to do this."),
    "bad_request": lazy_gettext("The request was not understood."),
    "bad_language": lazy_gettext("Please choose one of the workshop's languages."),
    "bad_role": lazy_gettext("Please choose a role from the list."),
    "name_too_long": lazy_gettext("Your name is too long."),
    "workshop_closed": lazy_gettext("This workshop is closed."),
    "workshop_full": lazy_gettext("All tables are full. Please ask the facilitator."),
    "no_round": lazy_gettext("The workshop has no round to join."),
    "bad_client_id": lazy_gettext("The note could not be identified. Please reload the page."),
    "client_id_taken": lazy_gettext("This note clashes with another one. Please post it again."),
    "bad_text": lazy_gettext("A note must be text."),
    "empty_text": lazy_gettext("Please write something first."),
    "text_too_long": lazy_gettext("This text is too long."),
    "round_closed": lazy_gettext("This round has ended; wait for the next one."),
    "not_your_table": lazy_gettext("You have moved to another table. Your screen is updated."),
    "round_already_running": lazy_gettext("The round is already running."),
    "round_already_ended": lazy_gettext("The round has already ended."),
    "stale_round": lazy_gettext("Someone else changed the round just now. Your screen is updated."),
    "no_next_round": lazy_gettext("This was the last round."),
    "round_not_running": lazy_gettext("The round is not running."),
    "round_not_paused": lazy_gettext("The round is not paused."),
    "bad_extension": lazy_gettext("Add between 1 second and 1 hour."),
    "stale_plan": lazy_gettext("Someone joined or left since this plan was made. Plan again."),
    "unknown_table": lazy_gettext("There is no table with that number."),
    "table_full": lazy_gettext("That table is full."),
    "host_stays": lazy_gettext("Table hosts stay at their own table."),
    "unknown_note": lazy_gettext("This note does not exist in this workshop."),
    "note_already_hidden": lazy_gettext("This note is already hidden."),
    "note_not_hidden": lazy_gettext("This note is not hidden."),
    "note_hidden": lazy_gettext("This note was taken off the wall."),
    "not_host": lazy_gettext("Only the table host writes the key insight."),
    "unknown_phase": lazy_gettext("This phase is not on the agenda."),
    "too_many_notes": lazy_gettext("You are posting very fast. Please wait a moment."),
    "too_many_joins": lazy_gettext(
        "Too many people joined from this device. Please wait a minute."
    ),
}


def error_message(code: str, limit: int | None = None) -> str:
    """The translated sentence for a domain error code."""
    message = str(ERROR_MESSAGES.get(code, ERROR_MESSAGES["bad_request"]))
    if limit is not None and code in {"text_too_long", "name_too_long"}:
        message += " " + gettext("At most %(limit)d characters.", limit=limit)
    return message


def js_strings() -> dict[str, str]:
    """Texts the browser scripts show, translated; `{name}` marks a value filled in later."""
    strings = {
        "connected": gettext("Connected"),
        "offline": gettext("Offline: your notes are kept and sent when the network is back"),
        "reconnecting": gettext("Reconnecting…"),
        "you_are_at_table": gettext("You are at table {table}"),
        "table_n": gettext("Table {table}"),
        "host_is": gettext("Your host: {name}"),
        "host_unnamed": gettext("This table has a host"),
        "you_are_host": gettext("You host this table: you stay here every round."),
        "round_of": gettext("Round {number} of {total}"),
        "not_started": gettext("Waiting for the round to start"),
        "times_up": gettext("Time's up"),
        "one_minute": gettext("One minute left"),
        "time_left": gettext("Time left"),
        "paused": gettext("Paused"),
        "confirm_leave": gettext("Leave the workshop? Your seat goes to someone else."),
        "goodbye": gettext("Thank you for taking part!"),
        "move_to_table": gettext("Move to table {table}"),
        "stay_at_table": gettext("Stay at table {table}"),
        "move_ok": gettext("OK"),
        "round_starts": gettext("A new round: round {number}"),
        "sending": gettext("Sending…"),
        "waiting_network": gettext("Waiting for the network…"),
        "no_notes": gettext("No notes at your table yet. Be the first!"),
        "anonymous": gettext("Anonymous"),
        "chars_left": gettext("{count} characters left"),
        "people_count": gettext("{count} of {capacity} seats taken"),
        "notes_count": gettext("{count} notes"),
        "notes_count_one": gettext("1 note"),
        "people_joined": gettext("{count} people have joined"),
        "people_joined_one": gettext("1 person has joined"),
        "people_at_table": gettext("{count} people"),
        "people_at_table_one": gettext("1 person"),
        "status_pending": gettext("not started"),
        "status_running": gettext("running"),
        "status_ended": gettext("ended"),
        "message_from_facilitator": gettext("Message from the facilitator"),
        "present": gettext("connected"),
        "away": gettext("away"),
        "host": gettext("host"),
        "no_seat": gettext("You do not have a table yet. Please ask the facilitator."),
        "last_round": gettext("This is the last round."),
        "note_posted": gettext("Your note was posted."),
        "error_generic": gettext("Something went wrong. Please try again."),
        "minutes": gettext("{count} min"),
        "start_phase": gettext("Start"),
        "restart_phase": gettext("Restart"),
        "agenda_not_started": gettext(
            "Start the first phase to follow the plan against the clock."
        ),
        "behind": gettext("{minutes} min behind the plan"),
        "ahead": gettext("{minutes} min ahead of the plan"),
        "on_time": gettext("On time"),
        "gone": gettext("Gone"),
        "confirm_gone": gettext("Has {name} left? Their seat goes to someone else."),
        "tick_first": gettext("Tick one or more people first."),
        "plan_for_round": gettext("Plan for round {number}"),
        "repeats": gettext("{count} repeated encounters"),
        "repeats_one": gettext("1 repeated encounter"),
        "new_encounters": gettext("new people met: {mean} on average, at least {min}"),
        "size_spread": gettext("table sizes differ by {spread}"),
        "language_coverage": gettext("tables sharing a language: {percent}%"),
        "role_mix": gettext("tables mixing roles: {percent}%"),
        "violations": gettext("{count} wishes not met"),
        "violations_one": gettext("1 wish not met"),
        "tick_two": gettext("Tick at least two people first."),
        "cloud_alt": gettext("Word cloud of the notes so far"),
        "vote": gettext("Upvote ({count} so far)"),
        "key_insight": gettext("Key insight"),
        "unvote": gettext("Take back your upvote ({count} so far)"),
        "placed_by_hand": gettext("placed by hand"),
        "plan_applied": gettext("The new round is on every screen."),
        "hidden": gettext("hidden"),
        "hide": gettext("Hide"),
        "restore": gettext("Restore"),
        "no_notes_yet": gettext("No notes yet this round."),
    }
    strings |= {f"role_{key}": str(label) for key, label in ROLE_LABELS.items()}
    return strings
