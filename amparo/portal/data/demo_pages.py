"""Demo texts of the portal's information pages, in five languages, for Mexico, Guatemala,
Honduras and Costa Rica. Written for the demo: each country's facts (numbers, institutions) come
from COUNTRIES and must be verified locally before real use. Placeholders: {emergency},
{civil}, {asylum}, {asylum_note}."""

COUNTRIES = {
    "MX": {
        "publisher": ("mx-cnpc", "Coordinación Nacional de Protección Civil"),
        "emergency": "911", "civil": "Protección Civil (CNPC)",
        "asylum": "COMAR (Comisión Mexicana de Ayuda a Refugiados)",
        "asylum_note": {
            "es": "Debe pedirlo en los primeros 30 días hábiles después de entrar a México; si pasó más tiempo, explique por qué: pueden aceptarlo.",
            "en": "You must ask within 30 working days of entering Mexico; if more time has passed, explain why: it can still be accepted.",
            "fr": "Vous devez la demander dans les 30 jours ouvrables après votre entrée au Mexique ; si plus de temps a passé, expliquez pourquoi : elle peut être acceptée.",
            "ht": "Ou dwe mande l nan 30 jou travay apre ou antre nan Meksik; si plis tan pase, eksplike poukisa: yo ka aksepte l kanmenm.",
            "pt": "Você deve pedir nos primeiros 30 dias úteis depois de entrar no México; se passou mais tempo, explique o motivo: ainda pode ser aceito.",
        },
        "topics": ["emergency", "earthquake", "hurricane", "rights", "asylum", "consulate"],
    },
    "GT": {
        "publisher": ("gt-conred", "CONRED (Protección Civil de Guatemala)"),
        "emergency": "110 / 1500", "civil": "CONRED",
        "asylum": "Instituto Guatemalteco de Migración (IGM)",
        "asylum_note": {"es": "", "en": "", "fr": "", "ht": "", "pt": ""},
        "topics": ["emergency", "earthquake", "flood", "rights", "asylum", "consulate"],
    },
    "HN": {
        "publisher": ("hn-copeco", "COPECO (Comisión Permanente de Contingencias)"),
        "emergency": "911", "civil": "COPECO",
        "asylum": "Instituto Nacional de Migración (INM)",
        "asylum_note": {"es": "", "en": "", "fr": "", "ht": "", "pt": ""},
        "topics": ["emergency", "hurricane", "flood", "rights", "asylum", "consulate"],
    },
    "CR": {
        "publisher": ("cr-cne", "Comisión Nacional de Emergencias (CNE)"),
        "emergency": "911", "civil": "CNE",
        "asylum": "Unidad de Refugio de la Dirección General de Migración y Extranjería (DGME)",
        "asylum_note": {"es": "", "en": "", "fr": "", "ht": "", "pt": ""},
        "topics": ["emergency", "earthquake", "flood", "rights", "asylum", "consulate"],
    },
}  # fmt: skip

TEXTS = {
    "emergency": {
        "es": (
            "En una emergencia",
            "Si su vida corre peligro, llame al {emergency}. Es gratis y no le preguntan por sus papeles.\n\n## Tenga a mano\n- Su teléfono cargado y un poco de saldo\n- Sus documentos en una bolsa de plástico\n- Agua, medicinas y el número de su consulado\n\nSi está registrado con su consulado, recibirá alertas en su idioma. Si no, puede registrarse en este portal.",
        ),
        "en": (
            "In an emergency",
            "If your life is in danger, call {emergency}. It is free and nobody asks for your papers.\n\n## Keep at hand\n- Your phone, charged, with some credit\n- Your documents in a plastic bag\n- Water, medicines and your consulate's number\n\nIf you are registered with your consulate, you will get alerts in your language. If not, you can register on this portal.",
        ),
        "fr": (
            "En cas d'urgence",
            "Si votre vie est en danger, appelez le {emergency}. C'est gratuit et personne ne vous demande vos papiers.\n\n## Gardez sur vous\n- Votre téléphone chargé, avec un peu de crédit\n- Vos documents dans un sac en plastique\n- De l'eau, vos médicaments et le numéro de votre consulat\n\nSi vous êtes inscrit auprès de votre consulat, vous recevrez des alertes dans votre langue. Sinon, vous pouvez vous inscrire sur ce portail.",
        ),
        "ht": (
            "Lè gen yon ijans",
            "Si lavi w an danje, rele {emergency}. Li gratis, e pèsonn p ap mande w papye.\n\n## Kenbe sou ou\n- Telefòn ou chaje, ak yon ti kòb ladan l\n- Papye ou nan yon sachè plastik\n- Dlo, medikaman ak nimewo konsila w\n\nSi w enskri nan konsila w, w ap resevwa alèt nan lang ou. Si se pa sa, ou ka enskri sou pòtay sa a.",
        ),
        "pt": (
            "Em uma emergência",
            "Se a sua vida estiver em perigo, ligue para {emergency}. É gratuito e ninguém pede seus documentos.\n\n## Tenha à mão\n- Seu telefone carregado e com um pouco de crédito\n- Seus documentos em um saco plástico\n- Água, remédios e o número do seu consulado\n\nSe você estiver cadastrado no seu consulado, vai receber alertas no seu idioma. Se não, pode se cadastrar neste portal.",
        ),
    },
    "earthquake": {
        "es": (
            "Sismo: qué hacer",
            "## Durante el sismo\n- Agáchese, cúbrase la cabeza y sujétese\n- Aléjese de ventanas y de lo que pueda caer\n- No use elevadores\n\n## Después\n- Salga con calma si el edificio está dañado\n- Puede haber réplicas\n- Avise que está bien: responda el mensaje de su consulado o use «Estoy a salvo» en este portal\n\nSiga las indicaciones de {civil}.",
        ),
        "en": (
            "Earthquake: what to do",
            '## During the earthquake\n- Drop, cover your head and hold on\n- Stay away from windows and anything that can fall\n- Do not use lifts\n\n## Afterwards\n- Leave calmly if the building is damaged\n- Aftershocks can come\n- Say you are safe: answer your consulate\'s message or use "I am safe" on this portal\n\nFollow the instructions of {civil}.',
        ),
        "fr": (
            "Tremblement de terre : que faire",
            "## Pendant la secousse\n- Baissez-vous, protégez votre tête et tenez-vous\n- Éloignez-vous des fenêtres et de ce qui peut tomber\n- N'utilisez pas l'ascenseur\n\n## Après\n- Sortez calmement si le bâtiment est endommagé\n- Des répliques peuvent arriver\n- Dites que vous allez bien : répondez au message de votre consulat ou utilisez « Je suis en sécurité » sur ce portail\n\nSuivez les consignes de {civil}.",
        ),
        "ht": (
            "Tranblemanntè: sa pou w fè",
            "## Pandan tranblemanntè a\n- Bese, kouvri tèt ou, epi kenbe fèm\n- Rete lwen fenèt ak bagay ki ka tonbe\n- Pa pran asansè\n\n## Apre\n- Soti dousman si kay la domaje\n- Lòt souke ka vini\n- Di nou ou an sekirite: reponn mesaj konsila w oswa sèvi ak «Mwen an sekirite» sou pòtay sa a\n\nSwiv konsèy {civil}.",
        ),
        "pt": (
            "Terremoto: o que fazer",
            '## Durante o terremoto\n- Abaixe-se, proteja a cabeça e segure-se\n- Fique longe de janelas e do que pode cair\n- Não use elevadores\n\n## Depois\n- Saia com calma se o prédio estiver danificado\n- Pode haver réplicas\n- Avise que está bem: responda a mensagem do seu consulado ou use "Estou em segurança" neste portal\n\nSiga as orientações de {civil}.',
        ),
    },
    "hurricane": {
        "es": (
            "Huracán y tormenta: qué hacer",
            "## Antes\n- Escuche los avisos de {civil}\n- Ubique el albergue más cercano (Servicios cerca de mí)\n- Guarde documentos, agua y medicinas en una mochila\n\n## Durante\n- Quédese bajo techo y lejos de ríos y laderas\n- Si le piden evacuar, hágalo: en los albergues no revisan papeles\n\n## Después\n- No cruce calles inundadas\n- Avise que está bien con «Estoy a salvo»",
        ),
        "en": (
            "Hurricane and storm: what to do",
            '## Before\n- Listen to the warnings of {civil}\n- Find the nearest shelter (Services near me)\n- Keep documents, water and medicines in a backpack\n\n## During\n- Stay indoors, away from rivers and slopes\n- If you are told to evacuate, go: shelters do not check papers\n\n## After\n- Do not cross flooded streets\n- Say you are safe with "I am safe"',
        ),
        "fr": (
            "Ouragan et tempête : que faire",
            "## Avant\n- Écoutez les alertes de {civil}\n- Repérez le foyer le plus proche (Services près de moi)\n- Gardez documents, eau et médicaments dans un sac à dos\n\n## Pendant\n- Restez à l'abri, loin des rivières et des pentes\n- Si on vous demande d'évacuer, partez : dans les foyers, on ne contrôle pas les papiers\n\n## Après\n- Ne traversez pas les rues inondées\n- Dites que vous allez bien avec « Je suis en sécurité »",
        ),
        "ht": (
            "Siklòn ak tanpèt: sa pou w fè",
            "## Anvan\n- Koute avètisman {civil}\n- Chèche abri ki pi pre a (Sèvis toupre m)\n- Mete papye, dlo ak medikaman nan yon valiz do\n\n## Pandan\n- Rete anba yon do kay, lwen rivyè ak mòn\n- Si yo mande w evakye, ale: nan abri yo pa tcheke papye\n\n## Apre\n- Pa travèse lari ki gen dlo\n- Di nou ou an sekirite ak «Mwen an sekirite»",
        ),
        "pt": (
            "Furacão e tempestade: o que fazer",
            '## Antes\n- Escute os avisos de {civil}\n- Encontre o abrigo mais próximo (Serviços perto de mim)\n- Guarde documentos, água e remédios em uma mochila\n\n## Durante\n- Fique abrigado, longe de rios e encostas\n- Se pedirem para evacuar, vá: nos abrigos não verificam documentos\n\n## Depois\n- Não atravesse ruas alagadas\n- Avise que está bem com "Estou em segurança"',
        ),
    },
    "flood": {
        "es": (
            "Inundación: qué hacer",
            "- Suba a un lugar alto y aléjese de ríos y barrancos\n- No camine ni maneje por agua en movimiento: 15 cm pueden derribarle\n- Desconecte la luz si el agua entra a la casa\n- Beba solo agua embotellada o hervida\n\nLos albergues de {civil} reciben a todas las personas, sin revisar papeles.",
        ),
        "en": (
            "Flood: what to do",
            "- Go to high ground and away from rivers and ravines\n- Do not walk or drive through moving water: 15 cm can knock you down\n- Switch off the power if water comes into the house\n- Drink only bottled or boiled water\n\nThe shelters of {civil} take everyone in, without checking papers.",
        ),
        "fr": (
            "Inondation : que faire",
            "- Montez en hauteur, loin des rivières et des ravins\n- Ne marchez pas et ne roulez pas dans l'eau qui coule : 15 cm peuvent vous renverser\n- Coupez le courant si l'eau entre dans la maison\n- Ne buvez que de l'eau en bouteille ou bouillie\n\nLes abris de {civil} accueillent tout le monde, sans contrôler les papiers.",
        ),
        "ht": (
            "Inondasyon: sa pou w fè",
            "- Monte kote ki wo, lwen rivyè ak ravin\n- Pa mache ni kondi nan dlo k ap koule: 15 cm ka jete w atè\n- Koupe kouran si dlo antre nan kay la\n- Bwè sèlman dlo nan boutèy oswa dlo bouyi\n\nAbri {civil} yo resevwa tout moun, san yo pa tcheke papye.",
        ),
        "pt": (
            "Enchente: o que fazer",
            "- Vá para um lugar alto, longe de rios e barrancos\n- Não ande nem dirija em água corrente: 15 cm podem derrubar você\n- Desligue a energia se a água entrar na casa\n- Beba só água engarrafada ou fervida\n\nOs abrigos de {civil} recebem todas as pessoas, sem verificar documentos.",
        ),
    },
    "rights": {
        "es": (
            "Sus derechos",
            "Tiene derechos sin importar su situación migratoria.\n\n- A recibir atención médica de urgencia\n- A no ser maltratado ni extorsionado; nadie puede quitarle sus documentos\n- A pedir asilo si teme volver a su país\n- A comunicarse con su consulado\n- A un intérprete si no habla español\n\nLa ayuda humanitaria es gratuita. Si alguien le pide dinero por ella, denúncielo.",
        ),
        "en": (
            "Your rights",
            "You have rights whatever your migration status.\n\n- To emergency medical care\n- Not to be mistreated or extorted; nobody may take your documents\n- To ask for asylum if you fear going back to your country\n- To contact your consulate\n- To an interpreter if you do not speak Spanish\n\nHumanitarian help is free. If someone asks you for money for it, report it.",
        ),
        "fr": (
            "Vos droits",
            "Vous avez des droits, quelle que soit votre situation migratoire.\n\n- Recevoir des soins médicaux d'urgence\n- Ne pas être maltraité ni racketté ; personne ne peut vous prendre vos documents\n- Demander l'asile si vous avez peur de retourner dans votre pays\n- Contacter votre consulat\n- Avoir un interprète si vous ne parlez pas espagnol\n\nL'aide humanitaire est gratuite. Si quelqu'un vous demande de l'argent pour elle, signalez-le.",
        ),
        "ht": (
            "Dwa ou",
            "Ou gen dwa, kèlkeswa sitiyasyon imigrasyon w.\n\n- Resevwa swen medikal ijans\n- Pèsonn pa gen dwa maltrete w ni fè w peye pa fòs; pèsonn pa gen dwa pran papye w\n- Mande azil si ou pè retounen nan peyi w\n- Kontakte konsila w\n- Gen yon entèprèt si ou pa pale panyòl\n\nÈd imanitè a gratis. Si yon moun mande w lajan pou li, denonse l.",
        ),
        "pt": (
            "Seus direitos",
            "Você tem direitos, qualquer que seja a sua situação migratória.\n\n- A receber atendimento médico de urgência\n- A não ser maltratado nem extorquido; ninguém pode ficar com seus documentos\n- A pedir asilo se tiver medo de voltar ao seu país\n- A falar com o seu consulado\n- A um intérprete se não falar espanhol\n\nA ajuda humanitária é gratuita. Se alguém pedir dinheiro por ela, denuncie.",
        ),
    },
    "asylum": {
        "es": (
            "Pedir asilo",
            "Si teme por su vida o su libertad en su país, puede pedir ser reconocido como refugiado. Es gratis y no necesita abogado, aunque uno puede ayudarle.\n\n## Dónde\n{asylum}\n\n{asylum_note}\n\nMientras espera la respuesta, no pueden devolverle a su país. Lo que cuente es confidencial y no se comparte con su país.",
        ),
        "en": (
            "Asking for asylum",
            "If you fear for your life or freedom in your country, you can ask to be recognised as a refugee. It is free and you do not need a lawyer, although one can help you.\n\n## Where\n{asylum}\n\n{asylum_note}\n\nWhile you wait for the answer, you cannot be sent back to your country. What you say is confidential and is not shared with your country.",
        ),
        "fr": (
            "Demander l'asile",
            "Si vous craignez pour votre vie ou votre liberté dans votre pays, vous pouvez demander à être reconnu comme réfugié. C'est gratuit et vous n'avez pas besoin d'avocat, même si un avocat peut vous aider.\n\n## Où\n{asylum}\n\n{asylum_note}\n\nPendant que vous attendez la réponse, on ne peut pas vous renvoyer dans votre pays. Ce que vous racontez est confidentiel et n'est pas transmis à votre pays.",
        ),
        "ht": (
            "Mande azil",
            "Si ou pè pou lavi w oswa libète w nan peyi w, ou ka mande pou yo rekonèt ou kòm refijye. Li gratis, e ou pa bezwen avoka, menm si yon avoka ka ede w.\n\n## Ki kote\n{asylum}\n\n{asylum_note}\n\nPandan w ap tann repons lan, yo pa ka voye w tounen nan peyi w. Sa ou rakonte a rete sekrè, yo pa bay peyi w li.",
        ),
        "pt": (
            "Pedir asilo",
            "Se você teme pela sua vida ou liberdade no seu país, pode pedir para ser reconhecido como refugiado. É gratuito e você não precisa de advogado, embora um possa ajudar.\n\n## Onde\n{asylum}\n\n{asylum_note}\n\nEnquanto espera a resposta, não podem mandar você de volta ao seu país. O que você contar é confidencial e não é compartilhado com o seu país.",
        ),
    },
    "consulate": {
        "es": (
            "Su consulado",
            "Su consulado puede ayudarle aunque no tenga papeles: documentos de identidad, contacto con su familia, apoyo en una emergencia y, si lo desea, el regreso a su país.\n\nRegístrese en este portal (Registrarme en mi consulado) para que le avisen en una emergencia. Usted decide qué se puede hacer con sus datos y puede cambiarlo cuando quiera.",
        ),
        "en": (
            "Your consulate",
            "Your consulate can help you even without papers: identity documents, contact with your family, support in an emergency and, if you wish, the return to your country.\n\nRegister on this portal (Register with my consulate) so that they can warn you in an emergency. You decide what may be done with your data, and you can change it whenever you want.",
        ),
        "fr": (
            "Votre consulat",
            "Votre consulat peut vous aider même sans papiers : documents d'identité, contact avec votre famille, soutien en cas d'urgence et, si vous le souhaitez, le retour dans votre pays.\n\nInscrivez-vous sur ce portail (M'inscrire auprès de mon consulat) pour être prévenu en cas d'urgence. Vous décidez de ce qu'on peut faire de vos données et vous pouvez changer d'avis quand vous voulez.",
        ),
        "ht": (
            "Konsila w",
            "Konsila w ka ede w menm si ou pa gen papye: papye idantite, kontak ak fanmi w, sipò lè gen yon ijans, epi si ou vle, retounen nan peyi w.\n\nEnskri sou pòtay sa a (Enskri nan konsila m) pou yo ka avèti w lè gen yon ijans. Se ou ki deside sa yo ka fè ak done ou, e ou ka chanje lide nenpòt ki lè.",
        ),
        "pt": (
            "Seu consulado",
            "Seu consulado pode ajudar mesmo sem documentos: documentos de identidade, contato com sua família, apoio em uma emergência e, se você quiser, a volta ao seu país.\n\nCadastre-se neste portal (Cadastrar-me no meu consulado) para ser avisado em uma emergência. Você decide o que pode ser feito com seus dados e pode mudar quando quiser.",
        ),
    },
}
