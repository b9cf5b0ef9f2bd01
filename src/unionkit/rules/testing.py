"""Declarative YAML rule tests, collected by pytest (registered under the ``pytest11`` entry point)."""
