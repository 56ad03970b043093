"""The shared default templates every organization starts with (seeded by a migration, kept up
to date by `amparo demo-data`): alert and check-in, and the keyword replies, in the five languages.
Organizations copy and adapt them in the template editor."""

from __future__ import annotations

DEFAULT_TEMPLATES: dict[str, tuple[str, dict[str, tuple[str, str]]]] = {
    "Alerta": (
        "alert",
        {
            "es": ("Alerta: {crisis}", "{organization}: {crisis}. Siga las indicaciones de Protección Civil. Si necesita ayuda llame al {consulate_phone}. Responda INFO, ALBERGUE o CONSULADO."),
            "en": ("Alert: {crisis}", "{organization}: {crisis}. Follow civil protection instructions. If you need help call {consulate_phone}. Reply INFO, SHELTER or CONSULATE."),
            "fr": ("Alerte : {crisis}", "{organization} : {crisis}. Suivez les consignes de la protection civile. Besoin d'aide ? Appelez le {consulate_phone}. Répondez INFO, ABRI ou CONSULAT."),
            "ht": ("Alèt: {crisis}", "{organization}: {crisis}. Swiv enstriksyon pwoteksyon sivil yo. Si ou bezwen èd, rele {consulate_phone}. Reponn INFO, ABRI oswa KONSILA."),
            "pt": ("Alerta: {crisis}", "{organization}: {crisis}. Siga as orientações da defesa civil. Se precisar de ajuda ligue {consulate_phone}. Responda INFO, ABRIGO ou CONSULADO."),
        },
    ),
    "¿Está a salvo?": (
        "checkin",
        {
            "es": ("¿Está a salvo?", "{given_name}, ¿está a salvo tras {crisis}? Responda 1 si está bien o 2 si necesita ayuda, o abra {checkin_link} - {organization}"),
            "en": ("Are you safe?", "{given_name}, are you safe after {crisis}? Reply 1 if you are safe or 2 if you need help, or open {checkin_link} - {organization}"),
            "fr": ("Êtes-vous en sécurité ?", "{given_name}, êtes-vous en sécurité après {crisis} ? Répondez 1 si tout va bien ou 2 si vous avez besoin d'aide, ou ouvrez {checkin_link} - {organization}"),
            "ht": ("Èske ou an sekirite?", "{given_name}, èske ou an sekirite apre {crisis}? Reponn 1 si ou byen oswa 2 si ou bezwen èd, oswa louvri {checkin_link} - {organization}"),
            "pt": ("Você está em segurança?", "{given_name}, você está em segurança após {crisis}? Responda 1 se está bem ou 2 se precisa de ajuda, ou abra {checkin_link} - {organization}"),
        },
    ),
    "Información": (
        "info",
        {
            "es": ("", "{organization}: para ayuda llame al {consulate_phone}. Responda ALBERGUE para ver albergues cercanos o CONSULADO para el contacto del consulado."),
            "en": ("", "{organization}: for help call {consulate_phone}. Reply SHELTER for nearby shelters or CONSULATE for the consulate's contact."),
            "fr": ("", "{organization} : pour de l'aide appelez le {consulate_phone}. Répondez ABRI pour les abris proches ou CONSULAT pour le contact du consulat."),
            "ht": ("", "{organization}: pou èd rele {consulate_phone}. Reponn ABRI pou abri ki tou pre oswa KONSILA pou kontak konsila a."),
            "pt": ("", "{organization}: para ajuda ligue {consulate_phone}. Responda ABRIGO para abrigos próximos ou CONSULADO para o contato do consulado."),
        },
    ),
    "Albergues": (
        "shelters",
        {
            "es": ("", "Albergues más cercanos:\n{shelters}"),
            "en": ("", "Nearest shelters:\n{shelters}"),
            "fr": ("", "Abris les plus proches :\n{shelters}"),
            "ht": ("", "Abri ki pi pre yo:\n{shelters}"),
            "pt": ("", "Abrigos mais próximos:\n{shelters}"),
        },
    ),
    "Consulado": (
        "consulate",
        {
            "es": ("", "{consulate_name}: {consulate_phone} {consulate_address}"),
            "en": ("", "{consulate_name}: {consulate_phone} {consulate_address}"),
            "fr": ("", "{consulate_name} : {consulate_phone} {consulate_address}"),
            "ht": ("", "{consulate_name}: {consulate_phone} {consulate_address}"),
            "pt": ("", "{consulate_name}: {consulate_phone} {consulate_address}"),
        },
    ),
    "Acuse de recibo": (
        "acknowledge",
        {
            "es": ("", "Gracias, {given_name}. {understood} - {organization}"),
            "en": ("", "Thank you, {given_name}. {understood} - {organization}"),
            "fr": ("", "Merci, {given_name}. {understood} - {organization}"),
            "ht": ("", "Mèsi, {given_name}. {understood} - {organization}"),
            "pt": ("", "Obrigado, {given_name}. {understood} - {organization}"),
        },
    ),
}  # fmt: skip


def seed(template_model, variant_model) -> int:
    """Create or refresh the shared defaults (organization empty); returns how many templates."""
    for name, (purpose, variants) in DEFAULT_TEMPLATES.items():
        template, _ = template_model.objects.update_or_create(
            organization=None, name=name, defaults={"purpose": purpose}
        )
        for language, (subject, body) in variants.items():
            variant_model.objects.update_or_create(
                template=template, language=language, defaults={"subject": subject, "body": body}
            )
    return len(DEFAULT_TEMPLATES)
