"""An installed Houqin: where it keeps things, the setup wizard, the logon task."""
