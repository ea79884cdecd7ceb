"""Reference implementations built on the SDK: the CSMS behind ``ocppkit serve`` and the simulated
charging station behind ``ocppkit station``.

They are small, complete programs to test against and to read: every station-initiated action
of every version is answered, every answer is validated like any other outgoing message.
"""

from ocppkit.reference.csms import ReferenceCsms
from ocppkit.reference.station import SimulatedStation, StationReport
from ocppkit.reference.store import Store

__all__ = ["ReferenceCsms", "SimulatedStation", "StationReport", "Store"]
