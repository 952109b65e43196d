"""The live workshop: agenda, rounds, people, seating, notes, photos, plenary, snapshots."""
