"""The rules engine: dated parameters and rules written once, run per member or per roster."""
