from django.contrib import admin

from involvement_requests.models import (
    Allocation,
    Assessment,
    Invitation,
    InvolvementRequest,
    OrganisationInvitation,
    QualityPriority,
    RequestStatusChange,
    Rung,
)


@admin.register(Rung)
class RungAdmin(admin.ModelAdmin):
    list_display = ["order", "name", "spectrum_level", "partners_allowed", "is_active"]


@admin.register(QualityPriority)
class QualityPriorityAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "is_active"]


class StatusChangeInline(admin.TabularInline):
    model = RequestStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["at", "by", "from_status", "to_status", "note", "notified_at"]


@admin.register(InvolvementRequest)
class InvolvementRequestAdmin(admin.ModelAdmin):
    # Status moves go through the services, never through the admin.
    list_display = ["id", "title", "status", "submitted_by", "cmg", "last_submitted_at"]
    list_filter = ["status", "cmg"]
    search_fields = ["title"]
    readonly_fields = ["status", "submitted_at", "last_submitted_at", "assessed_at", "decided_at"]
    raw_id_fields = ["submitted_by", "co_leads", "service", "services_wanted"]
    inlines = [StatusChangeInline]


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["request", "total", "recommendation", "override", "assessor"]
    raw_id_fields = ["request"]


@admin.register(Allocation)
class AllocationAdmin(admin.ModelAdmin):
    list_display = ["request", "person", "role", "starts_on", "ends_on", "allocated_by"]
    raw_id_fields = ["request", "person"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    # Answers come through the emailed link, never through the admin.
    list_display = ["request", "person", "status", "sent_at", "reminded_at", "responded_at"]
    list_filter = ["status"]
    raw_id_fields = ["request", "person"]
    readonly_fields = ["status", "token_hash", "sent_at", "expires_at", "reminded_at", "responded_at"]


@admin.register(OrganisationInvitation)
class OrganisationInvitationAdmin(admin.ModelAdmin):
    list_display = ["request", "organisation", "email", "sent_at"]
    raw_id_fields = ["request", "organisation", "contact"]
