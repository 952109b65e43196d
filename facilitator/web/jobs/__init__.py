"""Work kept off the event loop: worker processes, the harvest wall and export jobs."""
