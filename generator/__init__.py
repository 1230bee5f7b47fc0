"""maxmap: compute vm.max_map_count for large-memory Linux machines and provision it.

The library API: :func:`generator.rules.decide` computes the value from requirements,
:func:`generator.formats.render` renders a :class:`generator.provision.Plan` in any registered
format, validated before it is returned.
"""

__version__ = "0.1.0"
