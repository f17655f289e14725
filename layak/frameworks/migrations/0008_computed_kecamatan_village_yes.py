"""Two computed kinds: the share of the district's kecamatan (``kelana_yes``) or villages
(``dekela_yes``) whose latest determined evaluation answered "yes" to the same question of the
KELANA/DEKELA 2024 instrument. A KLA 2024 instrument loaded before has its flagged share
questions marked computed too, as a new load would; instruments made otherwise are untouched."""

from django.db import migrations, models

KELANA = ["KD-25." + n for n in ("2", "3", "4", "5", "9", "10", "11", "12", "13")]
DEKELA = ["KD-26." + n for n in ("2", "3", "4", "5", "6", "7", "10", "12", "14", "15", "16")]
NOTE = {
    "kelana_yes": " Dihitung otomatis oleh Layak dari hasil evaluasi kecamatan yang ditetapkan "
    "(instrumen KELANA 2024).",
    "dekela_yes": " Dihitung otomatis oleh Layak dari hasil evaluasi desa/kelurahan yang "
    "ditetapkan (instrumen DEKELA 2024).",
}


def mark(apps, schema_editor):
    Question = apps.get_model("frameworks", "Question")
    for kind, codes in (("kelana_yes", KELANA), ("dekela_yes", DEKELA)):
        for question in Question.objects.filter(
            version__framework__code="kla2024", code__in=codes, kind="percentage", computed=""
        ):
            question.computed = kind
            question.help_text += NOTE[kind]
            question.save(update_fields=["computed", "help_text"])


def unmark(apps, schema_editor):
    Question = apps.get_model("frameworks", "Question")
    for kind in NOTE:
        for question in Question.objects.filter(version__framework__code="kla2024", computed=kind):
            question.computed = ""
            question.help_text = question.help_text.removesuffix(NOTE[kind])
            question.save(update_fields=["computed", "help_text"])


class Migration(migrations.Migration):
    dependencies = [
        ("frameworks", "0007_cfci_in_both_languages"),
    ]

    operations = [
        migrations.AlterField(
            model_name="question",
            name="computed",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "typed by the district"),
                    ("kelana_share", "share of Kecamatan Layak Anak"),
                    ("dekela_share", "share of Desa/Kelurahan Layak Anak"),
                    ("gt_meetings", "task force coordination meetings in the year"),
                    ("partner_count", "partners with accepted commitments in the year"),
                    ("kelana_yes", "share of kecamatan whose evaluation answers yes"),
                    ("dekela_yes", "share of villages whose evaluation answers yes"),
                ],
                default="",
                max_length=16,
                verbose_name="computed",
            ),
        ),
        migrations.RunPython(mark, unmark),
    ]
