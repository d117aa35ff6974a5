"""Every activity has its analytic section, created with it and renamed with it."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from comptabilite.models import AnalyticSection
from entrepreneurs.models import Activity


@receiver(post_save, sender=Activity, dispatch_uid="comptabilite_activity_section")
def activity_section(sender, instance: Activity, created: bool, raw: bool = False, **kwargs):
    if raw:
        return
    if created:
        AnalyticSection.objects.bulk_create(
            [AnalyticSection(code=instance.code, name=instance.name, activity=instance)],
            ignore_conflicts=True,
        )
    else:
        AnalyticSection.objects.filter(activity=instance).exclude(
            name=instance.name, code=instance.code
        ).update(name=instance.name, code=instance.code)
