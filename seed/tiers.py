"""How a team of each DORA performance level ships: cadence, delays, failures and recoveries.

The ranges follow the DORA report's bands: elite teams deploy on demand with lead times under a
day, fail under 15% of the time and restore within an hour; low performers ship monthly or less,
take weeks from release to production, fail about half the time and take days to weeks to recover.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Tier:
    name: str
    weight: float
    """A project's share of the deployments, relative to the other tiers."""
    promote: float
    """Chance that a release deployed successfully goes on to the next pre-production
    environment (otherwise a newer release overtakes it)."""
    to_production: float
    """Chance that a release that passed pre-production goes to production."""
    first_minutes: tuple[float, float]
    """From a release's creation to its first deployment."""
    delay_minutes: tuple[float, float]
    """Between one environment and the next."""
    failure: tuple[float, float]
    """The range a project's failure rate is drawn from."""
    retry: float
    """Chance that a failure is fixed by redeploying the same release, not a new one."""
    recovery_minutes: tuple[float, float]
    """From a failure to the redeploy or the fix release."""
    duration_minutes: tuple[float, float]
    """The range a project's typical deployment duration is drawn from."""
    off_hours: float
    """Chance that a deployment due outside working hours goes ahead anyway."""


ELITE = Tier(
    name="elite",
    weight=5.0,
    promote=0.97,
    to_production=0.95,
    first_minutes=(3, 30),
    delay_minutes=(10, 120),
    failure=(0.02, 0.07),
    retry=0.85,
    recovery_minutes=(8, 55),
    duration_minutes=(1.5, 6),
    off_hours=0.2,
)
HIGH = Tier(
    name="high",
    weight=3.0,
    promote=0.92,
    to_production=0.8,
    first_minutes=(15, 240),
    delay_minutes=(60, 1_800),
    failure=(0.07, 0.15),
    retry=0.65,
    recovery_minutes=(45, 900),
    duration_minutes=(3, 12),
    off_hours=0.1,
)
MEDIUM = Tier(
    name="medium",
    weight=1.5,
    promote=0.85,
    to_production=0.55,
    first_minutes=(60, 1_440),
    delay_minutes=(1_440, 7_200),
    failure=(0.15, 0.3),
    retry=0.45,
    recovery_minutes=(720, 7_200),
    duration_minutes=(5, 25),
    off_hours=0.05,
)
LOW = Tier(
    name="low",
    weight=0.6,
    promote=0.8,
    to_production=0.35,
    first_minutes=(1_440, 10_080),
    delay_minutes=(7_200, 30_000),
    failure=(0.35, 0.55),
    retry=0.3,
    recovery_minutes=(4_320, 30_000),
    duration_minutes=(10, 45),
    off_hours=0.03,
)
TIERS = (ELITE, HIGH, MEDIUM, LOW)
