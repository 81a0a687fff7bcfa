"""Read and change the current tenant's policy settings (inside its transaction)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from confide.platform.core.db import current_tenant_id
from confide.tenants.policy.tables import TenantPolicy


@dataclass(frozen=True, slots=True)
class PolicyView:
    session_idle_minutes: int = 30
    session_absolute_hours: int = 10
    break_glass_hours: int = 4


async def get_policy() -> PolicyView:
    """The tenant's settings; the defaults where it has not set any."""
    row = await TenantPolicy.select().first()
    if row is None:
        return PolicyView()
    return PolicyView(
        row["session_idle_minutes"], row["session_absolute_hours"], row["break_glass_hours"]
    )


async def set_session_limits(idle_minutes: int, absolute_hours: int) -> PolicyView:
    if not 5 <= idle_minutes <= 480:
        raise ValueError("idle timeout must be between 5 and 480 minutes")
    if not 1 <= absolute_hours <= 24:
        raise ValueError("session lifetime must be between 1 and 24 hours")
    values: dict[Any, Any] = {
        TenantPolicy.session_idle_minutes: idle_minutes,
        TenantPolicy.session_absolute_hours: absolute_hours,
    }
    if await TenantPolicy.exists():
        await TenantPolicy.update(values, force=True)
    else:
        await TenantPolicy.insert(
            TenantPolicy(
                tenant_id=current_tenant_id(),
                session_idle_minutes=idle_minutes,
                session_absolute_hours=absolute_hours,
            )
        )
    current = await get_policy()
    return PolicyView(idle_minutes, absolute_hours, current.break_glass_hours)


async def set_break_glass_hours(hours: int) -> PolicyView:
    """How long a break-glass grant opens a case (the database also holds it to 1-72)."""
    if not 1 <= hours <= 72:
        raise ValueError("break-glass time box must be between 1 and 72 hours")
    if await TenantPolicy.exists():
        await TenantPolicy.update({TenantPolicy.break_glass_hours: hours}, force=True)
    else:
        await TenantPolicy.insert(
            TenantPolicy(tenant_id=current_tenant_id(), break_glass_hours=hours)
        )
    return await get_policy()
