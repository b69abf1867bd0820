"""The long-running service: the scheduler and web server, one service per state database, the rotating log."""
