"""What a deployment declares: the TOML config (its one settings declaration, the reader, the typed sections) and the pack file."""
