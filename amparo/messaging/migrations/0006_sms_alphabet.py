from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("messaging", "0005_inbound_kind_portal")]
    operations = [
        migrations.AddField(
            model_name="channel",
            name="sms_alphabet",
            field=models.CharField(
                choices=[
                    ("auto", "Automatic: without accents where the language reads fine so"),
                    ("gsm7", "Without accents (GSM-7) whenever the meaning stays the same"),
                    ("unicode", "Keep every accent (Unicode: shorter SMS parts)"),
                ],
                default="auto",
                help_text="for SMS channels; a template's own choice wins",
                max_length=8,
                verbose_name="SMS alphabet",
            ),
        ),
        migrations.AddField(
            model_name="template",
            name="sms_alphabet",
            field=models.CharField(
                choices=[
                    ("auto", "Automatic: without accents where the language reads fine so"),
                    ("gsm7", "Without accents (GSM-7) whenever the meaning stays the same"),
                    ("unicode", "Keep every accent (Unicode: shorter SMS parts)"),
                ],
                default="auto",
                max_length=8,
                verbose_name="SMS alphabet",
            ),
        ),
    ]
