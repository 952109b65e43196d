"""Workshops of any size, seeded through the domain functions into a live server's
database: people at every table, long Dutch and French notes, key insights, a note typed
in from paper, an open dot-vote on long themes, commitments and a spotlit table."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from facilitator.cafe import ballots, commitments, notes, paper, participants, rounds, workshops
from facilitator.cafe.participants import JoinRequest
from facilitator.organise.demo import template
from facilitator.store.models import Participant

NAMES = (
    "An",
    "Marie-Christine Vandenbroucke",
    "Driss",
    "Hélène Dubois-Lambert",
    "Geert Verstraeten",
    "Fatima",
    "Jean-Baptiste Vanderlinden",
    "Lotte",
)
LONG_NOTES = {
    "nl": (
        "Gemeenschappelijke ontmoetingsplaatsen in de buurt zijn onmisbaar: "
        "buurtzorgverantwoordelijkheid begint bij elkaar kennen.",
        "Mantelzorgers raken uitgeput, zij hebben ondersteuning en erkenning nodig, "
        "ook van de huisartsen en het OCMW.",
        "Informele zorg door buren moet meer erkend worden.",
        "Vrijwilligersorganisaties en welzijnsvoorzieningen werken nog te veel naast elkaar "
        "in plaats van samen aan één gemeenschappelijke wijkgerichte aanpak.",
    ),
    "fr": (
        "Les aidants proches s'épuisent et ont besoin d'un soutien concret, "
        "pas seulement de reconnaissance administrative.",
        "L'isolement des personnes âgées est notre plus grand défi dans le quartier.",
        "Un point de contact fixe dans le quartier, accessible sans rendez-vous, "
        "change tout pour les habitants.",
    ),
    "en": ("Small encounters in the street are the basis of a caring neighbourhood.",),
}
# Notes of every length, from one word to a few lines: a full wall column can take a short
# one where a long one is left out.
EXTRA_NOTES = (
    "Meer bankjes.",
    *LONG_NOTES["nl"],
    "Un café de quartier, chaque semaine.",
    *LONG_NOTES["fr"],
    "Trust takes time.",
    *LONG_NOTES["en"],
)
INSIGHTS = (
    "Zorgzame buurten ontstaan waar bewoners, hulpverleners en het lokaal bestuur "
    "elkaar kennen en vertrouwen.",
    "Un lieu de rencontre ouvert à tous, près de chez soi, avec une personne de référence.",
)
# As long as a note may be (NOTE_MAX_CHARS, 280): one at every table.
LONGEST_NOTE = (
    "Wat ons echt zou helpen: een gemeenschappelijke ontmoetingsruimte in de wijk, elke dag "
    "open, met een vaste buurtwerker die mantelzorgers kent, vrijwilligers begeleidt, "
    "huisartsen en OCMW samenbrengt en zorgt dat ook wie geen smartphone heeft mee beslist "
    "over de buurt."
)
# Notes of 400 characters and more (a room allowed longer notes), for whole quotes.
VERY_LONG_NOTES = {
    "nl": (
        "Mantelzorgers in onze wijk raken uitgeput: ze hebben een vaste buurtwerker nodig, "
        "respijtzorg in het weekend, erkenning door de huisartsen en het OCMW, een plek om "
        "elkaar te ontmoeten zonder afspraak, betaalbare thuiszorg, vervoer naar het "
        "ziekenhuis, een telefoonnummer dat altijd opneemt, en werkgevers die verlof voor "
        "mantelzorg toestaan zonder loonverlies, zodat echt niemand er nog alleen voor staat.",
        "Eenzaamheid bij ouderen zien we pas als het te laat is: buren, postbodes, apothekers "
        "en winkeliers zouden samen een netwerk kunnen vormen dat opmerkt wie niet meer buiten "
        "komt, met een buurtpunt dat elke dag open is, een koffie voor wie binnenloopt, en "
        "vrijwilligers die langsgaan bij wie geen familie meer heeft in de buurt of in de "
        "stad, en een klusjesdienst die de kleine herstellingen in huis doet voor een "
        "vriendelijke prijs.",
    ),
    "fr": (
        "Les aidants proches s'épuisent en silence : il leur faut un relais concret, un répit "
        "le week-end, une reconnaissance par les médecins et le CPAS, un lieu pour se "
        "retrouver sans rendez-vous, des soins à domicile abordables, un transport vers "
        "l'hôpital et un numéro qui répond toujours, pour que plus personne ne reste seul "
        "face à la maladie d'un proche, ni le jour, ni la nuit, ni pendant les vacances.",
    ),
    "en": (
        "Loneliness among older neighbours is noticed too late: postmen, pharmacists, "
        "shopkeepers and neighbours could together form a network that notices who no longer "
        "goes out, with a neighbourhood point open every day, coffee for whoever walks in, "
        "volunteers who visit those without family nearby, and a phone number that always "
        "answers, so that nobody in the street is left alone through a long, quiet winter.",
    ),
}
PAPER_NOTE = "Geschreven op papier: de buurtwerker komt beter langs bij wie geen smartphone heeft."
THEMES = (
    (
        "Gemeenschappelijke ontmoetingsplaatsen in de wijk",
        "Lieux de rencontre communs dans le quartier",
    ),
    ("Ondersteuning van uitgeputte mantelzorgers", "Soutien aux aidants proches épuisés"),
    ("Samenwerking tussen welzijnsorganisaties", "Collaboration entre organisations sociales"),
    ("Financiering die langer duurt dan het project", "Un financement qui dure"),
    ("Vrijwilligers vinden en vasthouden", "Trouver et garder des bénévoles"),
    ("Taal als drempel in Brussel", "La langue comme obstacle à Bruxelles"),
    ("Een vast aanspreekpunt in de buurt", "Un point de contact fixe dans le quartier"),
    ("Bewoners beslissen van bij het begin mee", "Les habitants décident dès le départ"),
)
COMMITMENTS = (
    "Ik bel elke week mijn oudere buurvrouw en vraag hoe het met haar gaat.",
    "Je vais proposer un café de quartier à la maison médicale, chaque premier jeudi du mois.",
    "Ik breng de buurtwerker, het OCMW en de huisartsen samen rond één tafel.",
    "We will map the informal carers in our street with the local council.",
    "Je passe voir ma voisine chaque semaine et je l'aide pour ses courses.",
    "Ik organiseer een gemeenschappelijke buurtmaaltijd voor alleenstaande ouderen.",
    "Je m'engage à traduire les affiches du quartier en arabe et en néerlandais.",
    "Ik word vrijwilliger bij het buurtpunt op woensdagnamiddag.",
)


@dataclass(frozen=True)
class Room:
    tables: int
    people: int
    code: str
    projector_path: str
    facilitator_path: str


def _id() -> str:
    return str(uuid.uuid4())


def seed_room(
    session: Session,
    tables: int,
    per_table: int,
    texts: Mapping[str, Sequence[str]] = LONG_NOTES,
    extra_notes: int = 0,
    insights: bool = True,
) -> Room:
    """A running first round with `tables` tables of `per_table` people, and a plenary;
    each person's notes are drawn from `texts` in their language; `extra_notes` more notes
    a table, short and long, for a wall fuller than its screen; no key insights yet with
    `insights` False (the newest note tops its column)."""
    spec = copy.deepcopy(template())
    spec["tables"] = {"count": tables, "capacity": per_table}
    links = workshops.create_workshop(session, spec)
    workshop = workshops.get_by_code(session, links.join_code)
    languages = ("nl", "fr", "en")
    people: list[Participant] = []
    for i in range(tables * per_table):
        request = JoinRequest(
            language=languages[i % 3],
            display_name=f"{NAMES[i % len(NAMES)]} {i + 1}",
            role="resident",
            wants_to_host=i < tables,
        )
        person, _events = participants.join(session, workshop, request, name_max_chars=80)
        people.append(person)
    rounds.start_round(session, workshop)
    by_table: dict[int, list[Participant]] = {}
    for person in people:
        table = participants.current_table(session, workshop, person)
        by_table.setdefault(table.number, []).append(person)
    for number, seated in by_table.items():
        for j, person in enumerate(seated[:4]):
            mine = texts[person.language]
            text = mine[(number + j) % len(mine)]
            notes.post_note(session, workshop, person, _id(), text, number)
        notes.post_note(session, workshop, seated[-1], _id(), LONGEST_NOTE, number)
        host = next((p for p in seated if p.is_host), None)
        if host is not None and insights:
            insight = INSIGHTS[number % len(INSIGHTS)]
            notes.post_note(session, workshop, host, _id(), insight, number, kind="insight")
        if number % 3 == 1:
            paper.post_paper_note(session, workshop, None, _id(), PAPER_NOTE, number, "nl")
        for k in range(extra_notes):
            person = seated[k % len(seated)]
            notes.post_note(
                session, workshop, person, _id(), EXTRA_NOTES[k % len(EXTRA_NOTES)], number
            )
    themes = [
        {"label": nl, "quote": LONG_NOTES["nl"][i % 4], "titles": {"nl": nl, "fr": fr}}
        for i, (nl, fr) in enumerate(THEMES)
    ]
    ballots.open_ballot(session, workshop, 3, themes)
    ballot = ballots.latest_ballot(session, workshop.id)
    keys = [option["key"] for option in ballot.options]
    for i, person in enumerate(people[:60]):
        ballots.cast_dots(
            session,
            workshop,
            person,
            ballot.id,
            {keys[i % len(keys)]: 2, keys[(i + 3) % len(keys)]: 1},
        )
    for i, text in enumerate(COMMITMENTS):
        commitments.post_commitment(
            session, workshop, people[i % len(people)], _id(), text, THEMES[i][0], i % 2 == 0
        )
    workshops.spotlight(session, workshop, 1)
    session.flush()
    code = links.join_code
    return Room(
        tables,
        len(people),
        code,
        f"/p/{code}/{links.projector_secret}",
        f"/f/{code}/{links.facilitator_secret}",
    )
