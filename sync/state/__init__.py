"""The SQLite state database: its schema and migrations, what a cycle records, the page's queries, and a damaged database mended or reported."""
