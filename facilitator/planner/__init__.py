"""The rotation planner: pure, deterministic seating of people at tables over rounds."""
