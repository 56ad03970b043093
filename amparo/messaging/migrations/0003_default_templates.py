from django.db import migrations


def seed(apps, schema_editor):
    from amparo.messaging.defaults import seed as seed_defaults

    seed_defaults(apps.get_model("messaging", "Template"), apps.get_model("messaging", "TemplateVariant"))


class Migration(migrations.Migration):
    dependencies = [("messaging", "0002_crisis")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
