"""The apps under test, each an ASGI factory for ``uvicorn --factory``.

- :mod:`bench.apps.trivial`: a raw ASGI app returning a constant (the load generator's
  ceiling).
- :mod:`bench.apps.bare`: the baselines, bare Litestar with the same handlers, with and
  without an asyncpg pool.
- :mod:`bench.apps.kernel`: the full Nexus kernel with the bench plugin
  (:mod:`bench.apps.plugin`) registered explicitly.
"""
