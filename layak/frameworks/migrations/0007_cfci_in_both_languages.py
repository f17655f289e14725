"""The UNICEF CFCI instrument loaded before it spoke Indonesian: its English texts move to the
English fields, the Indonesian ones take their place, and "Met" becomes the option that meets
the criterion, so a cycle on it counts criteria met. Instruments made otherwise are untouched."""

from django.db import migrations

MET, NOT_MET = ("Terpenuhi", "Met"), ("Belum terpenuhi", "Not met")
INDONESIAN = {
    "Every child/young person valued, respected and treated fairly": (
        "Setiap anak dan remaja dihargai, dihormati dan diperlakukan secara adil"
    ),
    "Voice, needs and priorities heard in laws, policies, budgets, programmes, decisions": (
        "Suara, kebutuhan dan prioritas anak didengar dalam peraturan, kebijakan, anggaran, "
        "program dan keputusan"
    ),
    "Access to quality essential social services": (
        "Akses pada layanan sosial dasar yang berkualitas"
    ),
    "Safe, secure and clean environment": "Lingkungan yang aman, terlindungi dan bersih",
    "Family life, play and leisure": "Kehidupan keluarga, bermain dan rekreasi",
    "Demonstrated results for children across several goal areas": (
        "Hasil nyata bagi anak di beberapa bidang tujuan"
    ),
    "Meaningful and inclusive child participation (e.g. child/youth councils) through all phases": (
        "Partisipasi anak yang bermakna dan inklusif (misalnya dewan anak/remaja) di semua tahap"
    ),
    "Demonstrated commitment to eliminating discrimination against children": (
        "Komitmen nyata untuk menghapus diskriminasi terhadap anak"
    ),
    "Minimum criteria for recognition": "Kriteria minimum pengakuan",
}
PREFIX = "Results for children are demonstrated: "


def indonesian(text):
    if text.startswith(PREFIX):
        rest = text[len(PREFIX) :]
        return f"Hasil bagi anak terbukti: {INDONESIAN[rest]}" if rest in INDONESIAN else None
    return INDONESIAN.get(text)


def forwards(apps, schema_editor):
    Group = apps.get_model("frameworks", "Group")
    Indicator = apps.get_model("frameworks", "Indicator")
    Question = apps.get_model("frameworks", "Question")
    Option = apps.get_model("frameworks", "Option")
    versions = apps.get_model("frameworks", "InstrumentVersion").objects.filter(
        framework__code="unicef-cfci"
    )
    for model, field, english_field in (
        (Group, "name", "name_en"),
        (Indicator, "name", "name_en"),
        (Question, "text", "text_en"),
    ):
        for row in model.objects.filter(version__in=versions, **{english_field: ""}):
            translated = indonesian(getattr(row, field))
            if translated is not None:
                setattr(row, english_field, getattr(row, field))
                setattr(row, field, translated)
                row.save(update_fields=[field, english_field])
    options = Option.objects.filter(question__version__in=versions, label_en="")
    for option in options.filter(label__in=[MET[1], NOT_MET[1]]):
        label, english = MET if option.label == MET[1] else NOT_MET
        option.label, option.label_en, option.meets = label, english, english == MET[1]
        option.save(update_fields=["label", "label_en", "meets"])


class Migration(migrations.Migration):
    dependencies = [
        ("frameworks", "0006_english_texts_and_met_options"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
