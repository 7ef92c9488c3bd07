from django.contrib import admin

from people_bank.models import (
    AccessNeed,
    ClinicalManagementGroup,
    Interest,
    Organisation,
    RecruitmentRound,
    ReferencePopulation,
    Service,
)


@admin.register(ClinicalManagementGroup)
class ClinicalManagementGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active"]
    search_fields = ["name"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "cmg", "is_active"]
    list_filter = ["cmg", "is_active"]
    search_fields = ["name"]


@admin.register(Interest)
class InterestAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active"]
    search_fields = ["name"]


@admin.register(AccessNeed)
class AccessNeedAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active"]
    search_fields = ["name"]


@admin.register(ReferencePopulation)
class ReferencePopulationAdmin(admin.ModelAdmin):
    list_display = ["characteristic", "category", "percent", "source"]
    list_filter = ["characteristic"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "area", "owner"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(RecruitmentRound)
class RecruitmentRoundAdmin(admin.ModelAdmin):
    list_display = ["title", "opens_on", "closes_on"]


# People, their equality answers and the conversation log are kept out of the admin on
# purpose: every view of them goes through the People Bank pages, which record it.
