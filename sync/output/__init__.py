"""Files the commands write for people (reports, analyses): one guarded way to write them."""
