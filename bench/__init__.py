"""Benchmarks of housing_service, with their data generator; results in bench/README.md."""
