"""The coaching tool: areas of reflection and action, challenge cards and the self-scan."""
