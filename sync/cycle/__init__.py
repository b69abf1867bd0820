"""One check or run: sources read, rules evaluated, alerts written back, what the cycle produced."""
