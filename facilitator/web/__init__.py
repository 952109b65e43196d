"""The web adapters: the app factory, pages, Socket.IO handlers, notifications and off-loop jobs."""
