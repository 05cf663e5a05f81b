"""The model runtime the server loads: featurisers (:mod:`.textfeat`), the trained
analysers (:mod:`.utterance`, :mod:`.conversion`, :mod:`.inference`), the model policy
(:mod:`.policy`), registry reading (:mod:`.registry`), ``bench models`` (:mod:`.bench`)
and the bundled champion (``artifacts/``).

Training, data generation, cross-validation and evaluation live in the ``ml`` package,
which depends on this one and never the other way round: the server image leaves ``ml``
out (``tests/unit/models/test_runtime_boundary.py`` checks the imports).
"""
