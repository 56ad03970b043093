from django.db import migrations, models


def seed(apps, schema_editor):
    """The shared thank-you now says what was understood ({understood})."""
    from amparo.messaging.defaults import seed as seed_defaults

    seed_defaults(apps.get_model("messaging", "Template"), apps.get_model("messaging", "TemplateVariant"))


class Migration(migrations.Migration):
    dependencies = [("messaging", "0003_default_templates")]
    operations = [
        migrations.AddField(
            model_name="inboundmessage", name="language", field=models.CharField(blank=True, max_length=16)
        ),
        migrations.AddField(
            model_name="inboundmessage", name="reason_code", field=models.CharField(blank=True, max_length=32)
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
