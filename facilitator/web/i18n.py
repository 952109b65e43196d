"""Locale choice and the translated texts shared by views, sockets and the browser."""

from __future__ import annotations

from flask import current_app, g, request
from flask_babel import force_locale, get_locale, gettext, lazy_gettext, ngettext

from facilitator.cafe.views import title_in
from facilitator.store.models import Workshop

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
    "workshop_not_open": lazy_gettext("This workshop has not opened yet. Please try again later."),
    "workshop_full": lazy_gettext("All tables are full. Please ask the facilitator."),
    "no_round": lazy_gettext("The workshop has no round to join."),
    "bad_client_id": lazy_gettext("The note could not be identified. Please reload the page."),
    "client_id_taken": lazy_gettext("This note clashes with another one. Please post it again."),
    "bad_text": lazy_gettext("A note must be text."),
    "empty_text": lazy_gettext("Please write something first."),
    "text_too_long": lazy_gettext("This text is too long."),
    "round_closed": lazy_gettext("This round has ended; wait for the next one."),
    "round_over": lazy_gettext(
        "This note was written in a round that is over; post it at your new table?"
    ),
    "broken_text": lazy_gettext(
        "This text holds a broken character (often half an emoji). Please check it and "
        "send it again."
    ),
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
    "bad_scope": lazy_gettext("Choose the whole workshop, one table or one round."),
    "bad_page_step": lazy_gettext("The projector's page turns forwards or back, one at a time."),
    "bad_theme_notes": lazy_gettext("Choose a theme from the harvest."),
    "bad_theme_title": lazy_gettext("A theme's title must be text."),
    "empty_theme_title": lazy_gettext("Please give the theme a title."),
    "theme_title_too_long": lazy_gettext("A theme's title can be at most 80 characters."),
    "same_theme": lazy_gettext("Choose two different themes to merge."),
    "photo_too_large": lazy_gettext(
        "This photo is too large. Please send a smaller one, or take it again at a lower "
        "resolution."
    ),
    "not_an_image": lazy_gettext(
        "This file could not be read as a photo. Please take the photo again and send it."
    ),
    "photo_type_not_allowed": lazy_gettext(
        "Only JPEG, PNG and WebP photos can be sent. Please choose a photo from your camera."
    ),
    "bad_dots": lazy_gettext("Give each person between 1 and 10 dots."),
    "nothing_to_vote_on": lazy_gettext(
        "There are no themes or key insights to vote on yet. Wait for the harvest."
    ),
    "no_open_ballot": lazy_gettext("No vote is open."),
    "unknown_ballot": lazy_gettext("This vote does not exist in this workshop."),
    "ballot_closed": lazy_gettext("This vote is closed: the results are final."),
    "too_many_dots": lazy_gettext("You have no dots left. Take one away first."),
    "unknown_option": lazy_gettext("This is not one of the choices of this vote."),
    "archive_malformed": lazy_gettext(
        "This file is not a workshop archive, or it is damaged or incomplete. Nothing was imported."
    ),
    "archive_too_new": lazy_gettext(
        "This archive was made by a newer version of Facilitator. Please update this "
        "installation, then import it again."
    ),
    "archive_too_large": lazy_gettext("This archive is too large to import."),
    "photo_too_many_pixels": lazy_gettext(
        "This photo has too many pixels. Please send a smaller one, or take it again at a "
        "lower resolution."
    ),
    # A socket event that failed on the server's side: busy (the database could not
    # serve in time; trying again may work) or any other failure (logged).
    "server_busy": lazy_gettext("The server is busy; your note is kept and will be sent again."),
    "server_error": lazy_gettext("Something went wrong. Please try again."),
    "worker_failed": lazy_gettext("The server could not finish this. Please try again."),
    "too_many_joins": lazy_gettext(
        "Too many people joined from this device. Please wait a minute."
    ),
    # The organiser's screens (accounts, editing, life cycle, deletion).
    "bad_username": lazy_gettext("The username must be 3 to 80 characters, without spaces."),
    "bad_password": lazy_gettext("The password must be at least 10 characters."),
    "username_taken": lazy_gettext("This username is already taken."),
    "login_failed": lazy_gettext("Wrong username or password."),
    "too_many_logins": lazy_gettext(
        "Too many login attempts from this device. Please wait a minute."
    ),
    "workshop_started": lazy_gettext(
        "A round has started, so the workshop can no longer be changed."
    ),
    "bad_title": lazy_gettext("Please give a title of at most 200 characters."),
    "bad_place": lazy_gettext("The place can be at most 120 characters."),
    "bad_date": lazy_gettext("Please give a real date (year-month-day)."),
    "bad_languages": lazy_gettext("Choose one or more of Dutch, French and English."),
    "bad_agenda": lazy_gettext("The agenda holds 1 to 20 items and at most 12 rounds."),
    "bad_phase_kind": lazy_gettext("Choose what kind of agenda item this is."),
    "bad_minutes": lazy_gettext("Minutes must be a whole number from 1 to 600."),
    "missing_phase_title": lazy_gettext(
        "Every agenda item needs a title (at most 500 characters) in one of the workshop's"
        " languages at least."
    ),
    "missing_question": lazy_gettext(
        "Every round needs a question (at most 500 characters) in one of the workshop's"
        " languages at least."
    ),
    "rounds_need_cafe": lazy_gettext("Only a World Café item can have rounds."),
    "no_rounds": lazy_gettext("The agenda needs at least one café round."),
    "bad_tables": lazy_gettext("Give a number of tables from 1 to 200."),
    "bad_capacity": lazy_gettext("A table seats 2 to 50 people."),
    "bad_table_name": lazy_gettext("A table name can be at most 60 characters."),
    "language_in_use": lazy_gettext("Someone already joined in a language you removed."),
    "rounds_in_use": lazy_gettext("A round you removed already has people or notes."),
    "tables_in_use": lazy_gettext("People sit or wrote at a table you removed or made too small."),
    "bad_status_change": lazy_gettext("The workshop cannot change to that state now."),
    "workshop_incomplete": lazy_gettext(
        "Complete the agenda first: every item needs a title and every round a question."
    ),
    "confirm_delete": lazy_gettext("Type the workshop's title exactly to confirm."),
    # The coaching tool (card sets, the self-scan).
    "unknown_card_set": lazy_gettext("This card set does not exist."),
    "bad_card_source": lazy_gettext("Start from the default set or from one of your sets."),
    "too_many_areas": lazy_gettext("A card set holds at most 12 areas."),
    "too_many_cards": lazy_gettext("An area holds at most 10 cards."),
    "unknown_area": lazy_gettext("This area is not in the card set."),
    "bad_set_name": lazy_gettext("Give the set a name of at most 120 characters."),
    "bad_area_title": lazy_gettext(
        "Every area needs a title (at most 200 characters) in one language at least."
    ),
    "bad_card_text": lazy_gettext("A card can be at most 500 characters."),
    "bad_card_kind": lazy_gettext("A card is a reflection question or an action prompt."),
    "bad_score": lazy_gettext("Choose a score from the scale."),
    "bad_selfscan_note": lazy_gettext("A self-scan note must be text."),
    "selfscan_note_too_long": lazy_gettext("This self-scan note is too long."),
    "bad_answer_id": lazy_gettext("This answer could not be identified. Please reload the page."),
    "answer_id_taken": lazy_gettext("This answer clashes with another one. Please answer again."),
    "too_many_answers": lazy_gettext(
        "You are answering very fast. Wait a moment, it will be sent."
    ),
    "no_cards": lazy_gettext("This card set has no cards to draw."),
    "unknown_card": lazy_gettext("This card was not drawn in this workshop."),
    "no_round_for_question": lazy_gettext("There is no café round left to give this question to."),
    # Neighbourhood projects and their coaches.
    "unknown_project": lazy_gettext("This project is not one of the projects you coach."),
    "project_gone": lazy_gettext(
        "This project is not among the projects you coach: it may have been deleted already."
    ),
    "bad_project": lazy_gettext("Please choose one of this workshop's projects from the list."),
    "bad_project_name": lazy_gettext("Give the project a name of at most 120 characters."),
    "bad_municipality": lazy_gettext("A municipality can be at most 120 characters."),
    "bad_project_languages": lazy_gettext("Tick one or more of Dutch, French and English."),
    "too_many_projects": lazy_gettext("A workshop can take part for at most 20 projects."),
    "unknown_user": lazy_gettext("There is no organiser with this name."),
    # Exports (poster, report, archive).
    "bad_export": lazy_gettext("Choose one of the offered exports and its options."),
    "unknown_export": lazy_gettext("There is no such export for this workshop."),
    "export_not_ready": lazy_gettext("This export is not ready yet."),
    "export_failed": lazy_gettext("The export could not be made. Please try again."),
    "export_interrupted": lazy_gettext(
        "The export was interrupted (the server restarted). Please start it again."
    ),
}


def error_message(code: str, limit: int | None = None) -> str:
    """The translated sentence for a domain error code."""
    message = str(ERROR_MESSAGES.get(code, ERROR_MESSAGES["bad_request"]))
    if limit is not None and code in {"text_too_long", "name_too_long", "selfscan_note_too_long"}:
        message += " " + gettext("At most %(limit)d characters.", limit=limit)
    return message


def _plural(key: str, one: str, other: str) -> dict[str, str]:
    """The two forms of a count for the browser: `key_one` where the reader's language
    says "one" (French: 0 and 1; Dutch and English: 1 only), `key` otherwise. Common.count
    picks between them with Intl.PluralRules in the same language."""
    return {f"{key}_one": one, key: other}


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
        "on_paper": gettext("written on paper"),
        "device_wait": gettext("A note is still being sent. Switch when it is posted."),
        "chars_left": gettext("{count} characters left"),
        # projector screens too full for one page, or for every item
        "page_of": gettext("Page {page} of {pages}"),
        **_plural(
            "more_n",
            ngettext("+{count} more", "+{count} more", 1),
            ngettext("+{count} more", "+{count} more", 2),
        ),
        "people_count": gettext("{count} of {capacity} seats taken"),
        **_plural(
            "notes_count",
            ngettext("{count} note", "{count} notes", 1),
            ngettext("{count} note", "{count} notes", 2),
        ),
        **_plural(
            "people_joined",
            ngettext("{count} person has joined", "{count} people have joined", 1),
            ngettext("{count} person has joined", "{count} people have joined", 2),
        ),
        **_plural(
            "people_at_table",
            ngettext("{count} person", "{count} people", 1),
            ngettext("{count} person", "{count} people", 2),
        ),
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
        "no_answer": gettext(
            "No answer from the server: the Wi-Fi may be weak. Please try again in a moment."
        ),
        "empty_note": error_message("empty_text"),
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
        **_plural(
            "repeats",
            ngettext("{count} repeated encounter", "{count} repeated encounters", 1),
            ngettext("{count} repeated encounter", "{count} repeated encounters", 2),
        ),
        "new_encounters": gettext("new people met: {mean} on average, at least {min}"),
        "size_spread": gettext("table sizes differ by {spread}"),
        "language_coverage": gettext("tables sharing a language: {percent}%"),
        "role_mix": gettext("tables mixing roles: {percent}%"),
        **_plural(
            "revisits",
            ngettext(
                "{count} person back at a table they sat at",
                "{count} people back at a table they sat at",
                1,
            ),
            ngettext(
                "{count} person back at a table they sat at",
                "{count} people back at a table they sat at",
                2,
            ),
        ),
        **_plural(
            "violations",
            ngettext("{count} wish not met", "{count} wishes not met", 1),
            ngettext("{count} wish not met", "{count} wishes not met", 2),
        ),
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
        "tablecloth_of": gettext("Tablecloth of table {table}"),
        "photo_posted": gettext("Your photo of the tablecloth was posted."),
        "photo_unreadable": gettext("This photo could not be read. Please try another one."),
        "newest_note": gettext("Just posted"),
        "scope_all": gettext("The whole workshop"),
        "scope_table": gettext("Table {table}, all rounds"),
        "scope_round": gettext("Round {number}: {question}"),
        # plenary
        "vote_title": gettext("Vote with your dots"),
        "vote_results_title": gettext("Results of the dot-vote"),
        "vote_lead": gettext("Everyone has {dots} dots: put them on what matters most."),
        "vote_open": gettext("Voting is open"),
        "vote_closed": gettext("Vote closed"),
        **_plural(
            "dots_left",
            ngettext("{count} dot left", "{count} dots left", 1),
            ngettext("{count} dot left", "{count} dots left", 2),
        ),
        "dots_all_placed": gettext("All your dots are placed. You can still move them."),
        **_plural(
            "dots_n",
            ngettext("{count} dot", "{count} dots", 1),
            ngettext("{count} dot", "{count} dots", 2),
        ),
        **_plural(
            "dots_on_option",
            ngettext("{count} of your dots here", "{count} of your dots here", 1),
            ngettext("{count} of your dots here", "{count} of your dots here", 2),
        ),
        **_plural(
            "your_dots",
            ngettext("Your dot: {count}", "Your dots: {count}", 1),
            ngettext("Your dot: {count}", "Your dots: {count}", 2),
        ),
        "dot_add": gettext("Add a dot to: {option}"),
        "dot_remove": gettext("Take a dot from: {option}"),
        **_plural(
            "voters",
            ngettext("{count} person voted", "{count} people voted", 1),
            ngettext("{count} person voted", "{count} people voted", 2),
        ),
        **_plural(
            "dots_per_person",
            ngettext("{count} dot each", "{count} dots each", 1),
            ngettext("{count} dot each", "{count} dots each", 2),
        ),
        "dots_range": gettext("Give everyone 1 to 10 dots."),
        "ballot_none": gettext("No vote yet."),
        "spotlight_now": gettext("Now in the spotlight: table {table}"),
        "spotlight_now_console": gettext("The projector shows table {table}."),
        "spotlight_none": gettext("No table in the spotlight"),
        "round_n": gettext("Round {number}"),
        "cloud_of_table": gettext("Word cloud of table {table}"),
        "signed_as": gettext("Signed: {name}"),
        "no_theme": gettext("No particular theme"),
        "commit_empty": gettext("Please write your commitment first."),
        "commitment_recorded": gettext("Your commitment was recorded."),
        "no_commitments_yet": gettext("No commitments yet."),
        **_plural("sum_people", ngettext("person", "people", 1), ngettext("person", "people", 2)),
        **_plural(
            "sum_tables",
            ngettext("conversation table", "conversation tables", 1),
            ngettext("conversation table", "conversation tables", 2),
        ),
        **_plural(
            "sum_notes",
            ngettext("note written", "notes written", 1),
            ngettext("note written", "notes written", 2),
        ),
        **_plural(
            "sum_insights",
            ngettext("key insight", "key insights", 1),
            ngettext("key insight", "key insights", 2),
        ),
        **_plural(
            "insights_count",
            ngettext("{count} key insight", "{count} key insights", 1),
            ngettext("{count} key insight", "{count} key insights", 2),
        ),
        "themes_by_meaning": gettext(
            "Themes by meaning: notes on one subject meet whatever their language."
        ),
        "themes_by_words": gettext(
            "Themes by shared words: the language model is not available on this server, "
            "so notes in different languages may form separate themes."
        ),
        "themes_preparing": gettext("Preparing the harvest: {done} of {total} texts read"),
        "theme_new_title": gettext("New title for this theme"),
        "theme_rename": gettext("Rename"),
        "theme_merge_with": gettext("Merge with"),
        "theme_merge": gettext("Merge"),
        "theme_show_notes": gettext("Show its notes"),
        "theme_hide_notes": gettext("Hide its notes"),
        "theme_split": gettext("Make a theme of the ticked notes"),
        "tick_notes_first": gettext("Tick one or more notes first."),
        **_plural(
            "sum_languages",
            ngettext("language", "languages", 1),
            ngettext("language", "languages", 2),
        ),
        "summary_no_themes": gettext("Themes appear once enough notes are in."),
        "summary_no_vote": gettext("No dot-vote yet."),
        "summary_no_commitments": gettext("No commitments yet."),
        "theme_is": gettext("Theme: {theme}"),
        "insight_from": gettext("Key insight · table {table}, round {round}"),
        "insight_from_table": gettext("Key insight · table {table}"),
        # a note written offline across a round change, refused or stored late
        "late_title": gettext("Notes that were not posted"),
        "late_note_round": gettext(
            "This note was written at table {table} in round {round}, which is over."
        ),
        "late_note_table": gettext(
            "This note was written at table {table}, where you no longer sit."
        ),
        "late_post_here": gettext("Post it at my table now"),
        "late_discard": gettext("Discard"),
        "sent_to_table": gettext("Sent to table {table} (round {round})"),
        # phones: what a screen reader hears of a note that just arrived at the table
        "new_note": gettext("New note from {author}: {text}"),
        # the coaching phase: the card in play and the self-scan
        "selfscan_score_of": gettext("{score} out of 5"),
        "selfscan_low": gettext("1: not yet"),
        "selfscan_high": gettext("5: fully"),
        "selfscan_add_note": gettext("Add a note (optional)"),
        "selfscan_note_label": gettext("Your note on this area"),
        "selfscan_save_note": gettext("Save the note"),
        "selfscan_score_first": gettext("Choose a score first, then save the note."),
        "selfscan_saved": gettext("Saved"),
        "selfscan_waiting": gettext("Waiting to send"),
        "selfscan_progress": gettext("Areas answered: {done} of {total}"),
        "any_area": gettext("From any area"),
        "use_as_question": gettext("Use as next round's question"),
        "question_set": gettext("Round {round}'s question is now: {question}"),
        **coaching_room_strings(),
    }
    strings |= {f"role_{key}": str(label) for key, label in ROLE_LABELS.items()}
    return strings


def coaching_room_strings() -> dict[str, str]:
    """What the projector's coaching screen and the cards on every screen say around the
    cards' and areas' own titles, in the current locale. The projector shows them in the
    harvest language the facilitator picks (`coaching_room_strings_by_language`), so
    its words and titles are in one language."""
    return {
        "coaching_title": gettext("The room's self-scan"),
        "coaching_cards": gettext("Cards in play"),
        "coaching_disagreed": gettext("Where people disagree most"),
        "coaching_areas": gettext("Where our neighbourhood stands, per area (1 to 5)"),
        "card_for_room": gettext("Card for the whole room"),
        "card_for_table": gettext("Card for table {table}"),
        "card_reflection": gettext("Reflection"),
        "card_action": gettext("Action"),
        # the projector's room profile (in aggregate only)
        "too_few_answers": gettext("too few answers to show"),
        "no_answers_yet": gettext("No answers yet"),
        "no_card_yet": gettext("No card drawn yet"),
        "no_disagreement_yet": gettext("Not enough answers yet to compare"),
        "area_figures": gettext("average {mean} · spread ±{spread}"),
        "radar_label": gettext("Average per area: {areas}"),
        "radar_empty": gettext("No area has enough answers to show yet"),
        **_plural(
            "answers_count",
            ngettext("{count} answer", "{count} answers", 1),
            ngettext("{count} answer", "{count} answers", 2),
        ),
        **_plural(
            "people_answered",
            ngettext("{count} person answered", "{count} people answered", 1),
            ngettext("{count} person answered", "{count} people answered", 2),
        ),
    }


def coaching_room_strings_by_language() -> dict[str, dict[str, str]]:
    """`coaching_room_strings` in every language of the app."""
    by_language = {}
    for language in current_app.config["LANGUAGES"]:
        with force_locale(language):
            by_language[language] = coaching_room_strings()
    return by_language


def export_labels() -> dict[str, str]:
    """Headings an export prints (exports.document.LABEL_KEYS), in the current locale.

    Wrap the call in `flask_babel.force_locale(language)` for the export's language.
    `{number}`, `{table}` and `{count}` are filled in by the renderers.
    """
    return {
        "agenda": gettext("Agenda"),
        "questions": gettext("Questions"),
        "round_n": gettext("Round {number}"),
        "table_n": gettext("Table {table}"),
        "word_cloud": gettext("What the room said"),
        "themes": gettext("Themes"),
        "priorities": gettext("Voted priorities"),
        "commitments": gettext("Commitments"),
        "photos": gettext("Tablecloths"),
        "participation": gettext("Participation"),
        "languages": gettext("languages"),
        "key_insights": gettext("Key insights"),
        "notes_per_table": gettext("Notes per table"),
        "by_role": gettext("People by role"),
        "minutes": gettext("{count} min"),
        "anonymous": gettext("Anonymous"),
        "on_paper": gettext("written on paper"),
        "report_title": gettext("Harvest report"),
        "contents": gettext("Contents"),
        "poster_footer": gettext("Harvested with Facilitator"),
        "hidden_left_out": gettext("Notes taken off the wall by the facilitator are left out."),
        "no_items": gettext("None."),
    }


def export_role_labels() -> dict[str, str]:
    """Role names an export prints (exports.document.ROLE_KEYS), in the current locale."""
    return {key: str(label) for key, label in ROLE_LABELS.items()} | {
        "none": gettext("No role given")
    }


def workshop_title(workshop: Workshop) -> str:
    """The workshop's title in the reader's language (templates: `workshop_title(w)`)."""
    return title_in(workshop, str(get_locale() or ""))
