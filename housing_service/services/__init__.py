"""Use cases. Each takes the acting person and the moment as arguments, flushes, never commits."""
