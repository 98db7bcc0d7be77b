//! Dutch: the privacy statement and withdrawing a report.

use super::super::{PrivacyTexts, StoredTexts, WithdrawTexts};

pub static PRIVACY: PrivacyTexts = PrivacyTexts {
    title: "Privacyverklaring",
    intro: "Hier lees je welke gegevens het meldpunt bewaart, waarom, hoe lang, en wie ze kan lezen. Ook lees je welke rechten je hebt.",
    controller_heading: "Wie is verantwoordelijk?",
    controller_text: |controller, address| {
        format!(
            "{controller} is verantwoordelijk voor de gegevens van dit meldpunt. Adres: {address}."
        )
    },
    dpo_text: |contact, email| {
        format!(
            "Heb je een vraag over je gegevens? Neem dan contact op met {contact}: {email}. Stuur nooit je ophaalcode mee."
        )
    },
    stored_heading: "Wat we bewaren",
    stored_intro: "Dit is alles wat het meldpunt bewaart. Bij elk punt staat hoe we het bewaren.",
    stored: StoredTexts {
        report_text: "Wat je schrijft en de bestanden die je stuurt, en de antwoorden van de commissie. Alleen de commissie kan dit lezen, en jij met je code.",
        code_derived: "Twee waarden die uit je ophaalcode zijn berekend. Daarmee vinden we je melding terug. Uit deze waarden kan niemand je code halen.",
        case_workflow: "Het kenmerk van je melding (zoals MP-7K2Q9X), de status, wie van de commissie hem behandelt, en de datums: ontvangen, bevestigd, terugkoppeling, afgesloten en verwijderen.",
        messages: "Welke berichten er bij een melding horen, van wie (jij of de commissie) en op welke dag. De inhoud is versleuteld.",
        files: "Bestanden in stukken, onder willekeurige nummers, met een afgeronde grootte.",
        sessions: "Dat je bent ingelogd met je code, zolang je ingelogd bent. We wissen dit als je uitlogt, ook als dat automatisch gebeurt.",
        form_tokens: "Een willekeurig nummer van elk verstuurd formulier, zodat een formulier maar één keer telt. Het wordt na een paar uur gewist.",
        withdrawals: "Als je je melding intrekt: alleen het kenmerk en de dag. Zo weet de commissie dat de melding bewust is ingetrokken.",
        left_out: "Als je leden van de commissie uitsluit: welke leden. Zo kan het meldpunt je melding zonder hun sleutel versleutelen. Dit wordt gewist met je melding.",
        limits: "Hoe druk het was: per dag hoeveel meldingen we moesten weigeren omdat het te druk was, en tellers die onze grenzen bijhouden. Daarin staat geen inhoud en geen adres.",
        members: "Gegevens van de leden van de commissie: hun naam, hun openbare sleutel, en of ze zijn ingelogd.",
        audit: "Een logboek van wat leden van de commissie doen, met het kenmerk van de melding. Nooit de inhoud, en niets over jou.",
        installation: "Geheime sleutels van het meldpunt zelf.",
        class_ciphertext: "versleuteld",
        class_coarse_date: "alleen de dag, geen tijd",
        class_public: "zegt niets over wie je bent",
        class_secret: "berekend uit een geheim, niet terug te rekenen",
        class_ephemeral: "een tijdstip dat wordt gewist als het niet meer nodig is",
        class_member_data: "over leden van de commissie",
    },
    kept_as: "Bewaard als:",
    not_stored_heading: "Wat we niet bewaren",
    not_stored: &[
        "Je IP-adres.",
        "Gegevens over je browser of apparaat.",
        "Je ophaalcode. Alleen jij hebt die.",
        "Wat je schrijft in leesbare vorm. Het wordt versleuteld voordat het wordt opgeslagen.",
        "De onderwerpen die je kiest, buiten je versleutelde melding.",
        "Je naam of e-mailadres. Alleen als je die zelf in je melding schrijft, staan ze versleuteld in je melding.",
    ],
    basis_heading: "Waarom mogen we dit?",
    basis: &[
        "We gebruiken deze gegevens om zorgen over het beroepsgeheim en privacy te onderzoeken. Dat is een gerechtvaardigd belang (artikel 6, lid 1, onder f van de AVG).",
        "Schrijf je zelf je naam of contactgegevens op? Dan gebruiken we die alleen om contact met je op te nemen, omdat je daar zelf om vraagt.",
    ],
    retention_heading: "Hoe lang bewaren we het?",
    retention: |n| {
        vec![
            format!(
                "Sluit de commissie je melding af? Dan bewaren we alles nog {} dagen. Daarna wissen we de melding, de berichten en de bestanden. Je code werkt dan niet meer.",
                n.retention_days
            ),
            "Trek je je melding in? Dan wissen we alles meteen.".to_owned(),
            format!(
                "Van een ingetrokken melding bewaren we het kenmerk en de dag nog {} dagen.",
                n.retention_days
            ),
            format!(
                "Je blijft ingelogd met je code tot je uitlogt. {}",
                super::session_rule(n)
            ),
        ]
    },
    readers_heading: "Wie kan wat lezen?",
    readers: &[
        "Alleen de leden van de commissie kunnen je melding en berichten lezen. Dat doen ze op hun eigen computer, met hun eigen sleutel.",
        "De beheerders van de website kunnen de inhoud niet lezen. Het bedrijf waar de website draait ook niet. Zij zien alleen de status, de datums en hoe groot berichten ongeveer zijn.",
        "Jij kunt alles lezen met je ophaalcode.",
    ],
    rights_heading: "Je rechten",
    rights_intro: "Volgens de privacywet (de AVG) mag je je gegevens inzien, laten verbeteren of aanvullen, laten wissen en bezwaar maken. Wij weten niet wie je bent. Daarom gebruik je deze rechten met je ophaalcode:",
    rights_with_code: &[
        "Inzien: log in met je code. Je ziet je melding en alle berichten.",
        "Verbeteren of aanvullen: stuur een bericht aan de commissie.",
        "Wissen: trek je melding in. We wissen dan alles meteen.",
        "Bezwaar of een andere vraag: stuur een bericht aan de commissie.",
    ],
    rights_without_code: "Ben je je code kwijt? Dan kan niemand je melding vinden, ook wij niet. Je melding wordt dan gewist als de bewaartermijn voorbij is.",
    complaint_heading: "Een klacht indienen",
    complaint: "Ben je het niet eens met hoe we met je gegevens omgaan? Dan mag je een klacht indienen bij de Autoriteit Persoonsgegevens.",
    complaint_link: "Autoriteit Persoonsgegevens: www.autoriteitpersoonsgegevens.nl",
};

pub static WITHDRAW: WithdrawTexts = WithdrawTexts {
    thread_heading: "Je melding intrekken",
    thread_text: "Wil je niet meer dat de commissie je melding heeft? Dan kun je hem intrekken. We wissen dan alles meteen.",
    thread_link: "Melding intrekken",
    confirm_title: "Weet je zeker dat je je melding wilt intrekken?",
    confirm_what: &[
        "We wissen je melding, alle berichten en alle bestanden meteen. Dat kun je niet terugdraaien.",
        "Je ophaalcode werkt daarna niet meer.",
        "De commissie ziet alleen dat er op deze dag een melding is ingetrokken, met het kenmerk. Niet wat erin stond.",
        "Heeft de commissie je melding al gelezen of doorgestuurd? Dat kunnen we niet terugdraaien.",
    ],
    confirm_label: "Ja, ik wil mijn melding intrekken en alles laten wissen",
    confirm_button: "Melding intrekken",
    cancel: "Nee, terug naar mijn melding",
    err_not_confirmed: "Zet een vinkje als je je melding echt wilt intrekken.",
    done_title: "Je melding is ingetrokken",
    done_text: "Je melding, de berichten en de bestanden zijn gewist. Je code werkt niet meer. Zit je op een computer die je met anderen deelt? Sluit dan ook het browservenster.",
};
