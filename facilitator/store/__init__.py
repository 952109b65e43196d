"""The database: engine, units of work, models, migrations, the event log, look-ups."""
