"""``maxmap doctor``'s core: read a host (through roots a test can replace), diagnose, report.

- :mod:`.sysctl_files`: the configuration files and the order systemd-sysctl and procps apply them;
- :mod:`.processes`: mappings in use per process, and JVMs with their ZGC requirement;
- :mod:`.host`: one :class:`~.host.HostReading` of everything above, plus RAM and the live value;
- :mod:`.diagnosis`: the verdict and the fix, a pure function of a reading;
- :mod:`.report`: text and JSON.
"""

from __future__ import annotations

from generator.doctor.diagnosis import Diagnosis, diagnose
from generator.doctor.host import HostReading, read_host

__all__ = ["Diagnosis", "HostReading", "diagnose", "read_host"]
