from django.urls import path

from layak.evaluation.views import (
    answers,
    assessments,
    bulk,
    criteria,
    cycles,
    my_items,
    verification,
)

app_name = "evaluation"

urlpatterns = [
    path("", cycles.cycle_list, name="cycles"),
    path("my-items/", my_items.my_items, name="my_items"),
    path("regions/<str:code>/", cycles.region_status, name="region_status"),
    path("cycles/new/", cycles.cycle_create, name="cycle_create"),
    path("reminders/send/", cycles.reminders_send, name="reminders_send"),
    path("cycles/<int:pk>/", cycles.cycle_detail, name="cycle"),
    path("cycles/<int:pk>/windows/", cycles.cycle_windows, name="cycle_windows"),
    path("cycles/<int:pk>/districts/", cycles.cycle_add_districts, name="cycle_districts"),
    path("cycles/<int:pk>/gates/", cycles.gate_create, name="gate_create"),
    path("assessments/<int:pk>/", assessments.assessment_detail, name="assessment"),
    path("assessments/<int:pk>/assign/", assessments.assessment_assign, name="assign"),
    path("cycles/<int:pk>/criteria/", criteria.cycle_criteria, name="cycle_criteria"),
    path(
        "assessments/<int:pk>/criteria/", criteria.assessment_criteria, name="assessment_criteria"
    ),
    path("assessments/<int:pk>/submit/", assessments.assessment_submit, name="assessment_submit"),
    path("assessments/<int:pk>/submit-ready/", bulk.bulk_submit, name="bulk_submit"),
    path("assessments/<int:pk>/accept/", bulk.bulk_accept, name="bulk_accept"),
    path("assessments/<int:pk>/bulk/<str:token>/", bulk.bulk_result, name="bulk_result"),
    path("assessments/<int:pk>/reopen/", assessments.assessment_reopen, name="assessment_reopen"),
    path("assessments/<int:pk>/evidence.zip", assessments.assessment_zip, name="assessment_zip"),
    path(
        "assessments/<int:pk>/indicators/<int:indicator>/", answers.indicator_form, name="indicator"
    ),
    path(
        "assessments/<int:pk>/indicators/<int:indicator>/evidence.zip",
        assessments.indicator_zip,
        name="indicator_zip",
    ),
    path("verify/", verification.queue, name="verify_queue"),
    path(
        "assessments/<int:pk>/verify/<str:stage>/",
        verification.verify_assessment,
        name="verify",
    ),
    path(
        "assessments/<int:pk>/verify/<str:stage>/agree-rest/",
        verification.verify_rest,
        name="verify_rest",
    ),
    path("assessments/<int:pk>/determine/", verification.determine, name="determine"),
    path("assessments/<int:pk>/scores/", verification.compare, name="scores"),
    path("assessments/<int:pk>/gaps/", verification.gap_view, name="gaps"),
    path("answers/<int:pk>/verify/<str:stage>/", verification.verify_item, name="verify_item"),
    path("answers/<int:pk>/photo/", verification.field_photo, name="field_photo"),
    path("photos/<int:pk>/", verification.field_photo_file, name="photo"),
    path("answers/<int:pk>/save/", answers.answer_save, name="answer_save"),
    path("answers/<int:pk>/submit/", answers.answer_submit, name="answer_submit"),
    path("answers/<int:pk>/accept/", answers.answer_accept, name="answer_accept"),
    path("answers/<int:pk>/return/", answers.answer_return, name="answer_return"),
    path("answers/<int:pk>/reuse/", answers.answer_reuse, name="answer_reuse"),
    path("answers/<int:pk>/history/", answers.answer_history, name="answer_history"),
]
