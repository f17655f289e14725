"""The DHIS2-style routes under ``/api/`` (``layak.api.dhis2``). Each takes an optional API
version segment (``/api/40/…``) and, where DHIS2 has them, a ``.json``/``.csv``/``.xml`` suffix."""

from django.urls import re_path

from layak.api import dhis2, dhis2_metadata, dhis2_values

app_name = "dhis2"

V = r"^(?:(?P<version>[0-9]{2})/)?"
J = r"(?:\.(?P<fmt>json))?$"
UID = r"(?P<uid>[A-Za-z][A-Za-z0-9]{10})"

urlpatterns = [
    re_path(
        V + r"dataValueSets(?:\.(?P<fmt>json|csv|xml))?$",
        dhis2.data_value_sets,
        name="data_value_sets",
    ),
    re_path(V + r"dataValues" + J, dhis2_values.data_values, name="data_values"),
    re_path(V + r"dataElements" + J, dhis2_metadata.data_elements, name="data_elements"),
    re_path(V + r"dataElements/" + UID + J, dhis2_metadata.data_elements, name="data_element"),
    re_path(
        V + r"categoryOptionCombos" + J,
        dhis2_metadata.category_option_combos,
        name="category_option_combos",
    ),
    re_path(
        V + r"categoryOptionCombos/" + UID + J,
        dhis2_metadata.category_option_combos,
        name="category_option_combo",
    ),
    re_path(V + r"dataSets" + J, dhis2_metadata.data_sets, name="data_sets"),
    re_path(V + r"dataSets/" + UID + J, dhis2_metadata.data_sets, name="data_set"),
    re_path(
        V + r"organisationUnits" + J, dhis2_metadata.organisation_units, name="organisation_units"
    ),
    re_path(
        V + r"organisationUnits/" + UID + J,
        dhis2_metadata.organisation_units,
        name="organisation_unit",
    ),
    re_path(V + r"me" + J, dhis2_metadata.me, name="me"),
    re_path(V + r"system/tasks/DATAVALUE_IMPORT/" + UID + J, dhis2.task, name="task"),
    re_path(
        V + r"system/taskSummaries/DATAVALUE_IMPORT/" + UID + J,
        dhis2.task_summary,
        name="task_summary",
    ),
]
