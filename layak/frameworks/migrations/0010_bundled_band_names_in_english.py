"""The predicate bands of the bundled frameworks get their English names ("Tidak mendapat
predikat" reads "No predicate" in English); bands of instruments loaded from a workbook keep
what their workbook gave."""

from django.db import migrations

BUNDLED = ["kla2024", "kla24", "kelana", "dekela", "kelana2024", "dekela2024"]
ENGLISH = {
    "Tidak mendapat predikat": "No predicate",
    "Pratama": "Pratama",
    "Madya": "Madya",
    "Nindya": "Nindya",
    "Utama": "Utama",
    "Kabupaten/Kota Layak Anak": "Child-Friendly Regency/City",
    "Belum layak": "Not yet child-friendly",
    "Layak": "Child-friendly",
}


def forwards(apps, schema_editor):
    PredicateBand = apps.get_model("frameworks", "PredicateBand")
    bands = PredicateBand.objects.filter(version__framework__code__in=BUNDLED, name_en="")
    for indonesian, english in ENGLISH.items():
        bands.filter(name=indonesian).update(name_en=english)


class Migration(migrations.Migration):
    dependencies = [
        ("frameworks", "0009_band_and_evidence_names_in_english"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
