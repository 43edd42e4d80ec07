"""First start of `make run`: a demo administrator, one user per role, and demo reads."""
from __future__ import annotations

import sys
from typing import TextIO

from app.domain.roles import Role
from app.jobs import Progress
from app.services.container import Services

DEMO_PASSWORD = "orange grove at dusk"
DEMO_AGENCY = "Glendora Police Department"
DEMO_READS = 200_000
DEMO_USERS = {
    "detective": [Role.DETECTIVE],
    "corporal": [Role.CORPORAL],
    "officer": [Role.OFFICER],
    "captain": [Role.CAPTAIN],
    "evidence": [Role.EVIDENCE_TECHNICIAN],
    "custodian": [Role.CUSTODIAN],
}


def set_up_demo(services: Services, reads: int = DEMO_READS, progress_stream: TextIO = sys.stderr) -> None:
    """Create `admin` and the demo users (all with DEMO_PASSWORD, trained; each acknowledges
    the policy at first log-in) and seed `reads` demo reads."""
    services.users.create_first_admin("admin", DEMO_PASSWORD, DEMO_AGENCY, services.settings.workstation,
                                      full_name="Demo IS Supervisor")
    admin = services.auth.login("admin", DEMO_PASSWORD)
    for name, roles in DEMO_USERS.items():
        services.users.add_user(admin, name, DEMO_PASSWORD, roles, full_name=f"Demo {name}")
        services.users.record_training(admin, name, trainer="Detective bureau corporal",
                                       curriculum="ALPR Policy 424 and Plate Desk")

    def report(progress: Progress) -> None:
        print(f"\rdemo data: {progress.message}: {progress.done:,} of {progress.total:,} reads   ", end="",
              file=progress_stream)

    services.demo.seed(admin, reads, progress=report)
    print(file=progress_stream)
    services.auth.logout(admin)
