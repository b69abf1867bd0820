"""The command line: parsing, the commands that need no room of their own, one message and exit code per failure."""
