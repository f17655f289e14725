"""The words for the instruments' audit actions (``layak.audit.display``)."""

from django.utils.translation import gettext_lazy as _

from layak.audit.display import Naming, Number, Ref, Text, register
from layak.frameworks.models import Framework, InstrumentVersion, Question

register(
    names={
        InstrumentVersion: Naming(
            name=lambda v: f"{v.framework} v{v.number}", related=("framework",)
        ),
        Framework: Naming(name=str),
    }
)
register(
    actions={
        "instrument.loaded": _("Bundled instrument loaded"),
        "instrument.imported": _("Instrument imported from a workbook"),
        "instrument.copied": _("New draft version made"),
        "instrument.published": _("Instrument published"),
    },
    fields={
        "framework": Ref(_("framework"), Framework, by="code"),
        "questions": Number(_("questions"), places=0),
        "label": Text(_("label")),
        "from_version": Ref(_("copied from"), InstrumentVersion),
    },
)
register(actions={"framework.texts_updated": _("Framework names and descriptions updated")})
register(
    actions={"instrument.mapped": _("Questions linked to the previous version")},
    # Each key is a question's code; its value the previous version's question it continues.
    fields={"*": Ref(None, Question)},
)
register(
    # The bundled frameworks' names and descriptions, refreshed when the bundled data changes;
    # the keys are the framework's own fields.
    actions={"framework.texts_updated": _("Bundled framework's name and description updated")},
)
register(
    # The bundled version's questions' guidance, refreshed when the bundled data changes; each
    # key is a question's code.
    actions={"instrument.guidance_updated": _("Bundled questions' guidance updated")},
    fields={"*": Text(None)},
)
