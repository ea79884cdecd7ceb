"""Hypothesis profiles: ``dev`` (quick, the default) and ``ci`` (more examples).

Choose one with ``OCPPKIT_HYPOTHESIS_PROFILE=ci``. No deadline: the first example of each
schema pays for building its strategies, and a loaded machine would make timings flaky.
No health check is suppressed: none fires (the property tests draw through ``st.data()``, and
the IR strategies keep payloads small).
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("dev", max_examples=8, deadline=None)
settings.register_profile("ci", max_examples=25, deadline=None)
settings.load_profile(os.environ.get("OCPPKIT_HYPOTHESIS_PROFILE", "dev"))
