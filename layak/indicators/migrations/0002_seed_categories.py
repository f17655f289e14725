"""The two disaggregations every district uses: sex and the age bands of the KLA instrument."""

from django.db import migrations

CATEGORIES = [
    ("sex", "Jenis kelamin", 1, [("M", "Laki-laki"), ("F", "Perempuan")]),
    (
        "age",
        "Kelompok umur",
        2,
        [
            ("0-1", "0–<1 tahun"),
            ("1-5", "1–<5 tahun"),
            ("5-12", "5–<12 tahun"),
            ("12-18", "12–<18 tahun"),
        ],
    ),
]


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    Category = apps.get_model("indicators", "Category")
    CategoryOption = apps.get_model("indicators", "CategoryOption")
    for code, name, order, options in CATEGORIES:
        category, _ = Category.objects.get_or_create(
            code=code, defaults={"name": name, "order": order}
        )
        for i, (option_code, option_name) in enumerate(options, start=1):
            CategoryOption.objects.get_or_create(
                category=category, code=option_code, defaults={"name": option_name, "order": i}
            )


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
