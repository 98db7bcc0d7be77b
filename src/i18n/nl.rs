use super::{
    AUTORITEIT_PERSOONSGEGEVENS, Block, HUIS_VOOR_KLOKKENLUIDERS, Numbers, Referral, Section, Texts,
};

mod rights;

/// A configured length of time as people say it: "15 minuten", "2 uur".
fn duration(secs: i64) -> String {
    match secs {
        s if s >= 3600 && s % 3600 == 0 => format!("{} uur", s / 3600),
        60 => "1 minuut".to_owned(),
        s if s % 60 == 0 => format!("{} minuten", s / 60),
        1 => "1 seconde".to_owned(),
        s => format!("{s} seconden"),
    }
}

/// When a reporter is signed out without doing so: the same sentences wherever the
/// limits are named, in words a reporter uses ("uitloggen", never "sessie").
fn session_rule(n: &Numbers) -> String {
    format!(
        "Doe je {} niets? Dan log je automatisch uit. Ook als je wel iets doet, log je na {} automatisch uit.",
        duration(n.session_idle_secs),
        duration(n.session_max_secs)
    )
}

pub static NL: Texts = Texts {
    // ---- layout -------------------------------------------------------------
    site_name: "Meldpunt beroepsgeheim en privacy",
    site_tagline: |w| {
        format!(
            "Alleen de {} van de {} leest wat je hier meldt.",
            w.committee, w.organisation
        )
    },
    skip_link: "Naar de inhoud",
    other_language: "English",
    nav_label: "Hoofdmenu",
    nav_home: "Start",
    nav_report: "Melding doen",
    nav_pickup: "Ophalen met code",
    footer_privacy: "We gebruiken geen cookies, behalve als je inlogt met je code. We bewaren geen IP-adressen.",
    title_suffix: " — Meldpunt beroepsgeheim en privacy",
    footer_privacy_link: "Privacyverklaring",
    example_banner: "Dit is een voorbeeld. De namen en gegevens op deze pagina's komen uit het voorbeeldprofiel (site.example.toml). Doe hier geen echte melding.",
    contact_heading: "Liever persoonlijk contact?",
    contact_intro: "Je kunt de commissie ook zelf mailen, bellen of schrijven. Let op: dan ben je niet anoniem. De commissie kan dan zien wie je bent. Wil je anoniem melden? Gebruik dan het formulier.",
    contact_email: "E-mail",
    contact_phone: "Telefoon",
    contact_post: "Post",
    privacy: &rights::PRIVACY,
    withdraw: &rights::WITHDRAW,

    // ---- members' notification mail ---------------------------------------------
    notify_subject: "Nieuwe activiteit op het meldpunt",
    notify_body: "Er is nieuwe activiteit op het meldpunt. Open de desk om te lezen wat er is.",

    // ---- landing page -------------------------------------------------------
    landing_title: "Zorgen over beroepsgeheim of privacy in het sociaal werk?",
    landing_intro: "Hier meld je zorgen over het beroepsgeheim en de privacy van cliënten. Een voorbeeld: een wijkteam deelt dossiers met vrijwilligers. Nog een voorbeeld: een medewerker van de gemeente vraagt om gegevens van cliënten. Maar die medewerker zorgt zelf niet voor die cliënten. Je hoeft je naam niet te geven.",
    landing_who: |w| Block {
        heading: "Wie zijn wij?",
        paragraphs: vec![
            format!(
                "Dit meldpunt is van de {} van de {} ({}). De commissie verzamelt zorgen over beroepsgeheim en privacy in het sociaal werk. Ze zoekt uit wat er aan de hand is.",
                w.committee, w.organisation, w.organisation_short
            ),
            format!(
                "Iedereen kan hier melden: sociaal werkers, andere professionals, vrijwilligers, stagiairs, mantelzorgers, cliënten en bewoners. Je hoeft geen lid te zijn van de {}.",
                w.organisation_short
            ),
        ],
        items: vec![],
    },
    landing_can: |w| {
        Block {
        heading: "Wat de commissie kan doen",
        paragraphs: vec!["De commissie leest elke melding. Ze kan:".to_owned()],
        items: vec![
            "naar je verhaal luisteren;".to_owned(),
            "je advies geven over wat je kunt doen;".to_owned(),
            "uitzoeken wat er is gebeurd, en je daarover vragen stellen;".to_owned(),
            format!("praten met een organisatie of met de {}, als de commissie vaker hetzelfde probleem ziet;", w.organisation_short),
            "openbaar maken wat ze heeft gevonden en wat er beter moet. Ze noemt dan geen namen. Niemand is te herkennen.".to_owned(),
        ],
    }
    },
    landing_cannot: Section {
        heading: "Wat de commissie niet kan doen",
        paragraphs: &["Het is goed om dit vooraf te weten. De commissie kan niet:"],
        items: &[
            "je beschermen volgens de wet, bijvoorbeeld tegen ontslag;",
            "iemand een straf of een tuchtmaatregel geven (dat doet het tuchtcollege);",
            "een organisatie dwingen om iets te doen of te veranderen;",
            "hulp geven in een noodsituatie;",
            "optreden als je advocaat.",
        ],
    },
    landing_not_whistleblower: Section {
        heading: "Dit is geen klokkenluidersmelding",
        paragraphs: &[
            "Een melding hier valt niet onder de Wet bescherming klokkenluiders. De wet beschermt je hier dus niet als klokkenluider. Bijvoorbeeld niet tegen ontslag of andere nadelen op je werk.",
            "Wil je die bescherming wel? Meld dan bij een van deze twee organisaties. Weet je niet welke bij je past? Vraag dan eerst advies aan het Huis voor Klokkenluiders.",
        ],
        items: &[],
    },
    landing_referrals: [
        Referral {
            name: "Huis voor Klokkenluiders",
            what: "geeft advies en doet onderzoek.",
            url: HUIS_VOOR_KLOKKENLUIDERS,
        },
        Referral {
            name: "Autoriteit Persoonsgegevens",
            what: "voor een datalek, of als een organisatie de privacywet overtreedt.",
            url: AUTORITEIT_PERSOONSGEGEVENS,
        },
    ],
    landing_emergency: Section {
        heading: "Is er nu gevaar?",
        paragraphs: &[
            "Dit meldpunt is niet voor noodgevallen. De commissie leest je melding niet meteen. Dat kan een paar dagen duren.",
        ],
        items: &[
            "Is er direct gevaar? Bel 112.",
            "Maak je je zorgen over huiselijk geweld of kindermishandeling? Bel Veilig Thuis: 0800 2000. Dat is gratis en kan dag en nacht.",
        ],
    },
    landing_anonymity: |n| {
        Block {
        heading: "Hoe anoniem is je melding?",
        paragraphs: vec![
            "Je hoeft je naam niet te geven. Je hebt geen account en geen e-mailadres nodig.".to_owned(),
            "Dit doet het meldpunt: we bewaren geen IP-adressen. We versleutelen je melding en je bestanden voor de commissie. Alleen de commissie kan ze openen, en jij met je code. De beheerders van de website kunnen ze niet lezen.".to_owned(),
            format!("We gebruiken alleen een cookie als je inlogt met je code. Zo weet het meldpunt dat je bent ingelogd. {}", session_rule(n)),
            "Toch kunnen we niet beloven dat je altijd anoniem blijft. Dat hangt ook af van wat je schrijft en hoe je meldt. Let daarom op deze punten:".to_owned(),
        ],
        items: vec![
            "Details in je verhaal kunnen laten zien wie je bent. Bijvoorbeeld een datum, een plek, of iets wat alleen jij weet.".to_owned(),
            "Bestanden kunnen verborgen gegevens bevatten, zoals je naam of de plek waar een foto is gemaakt. Wij halen die gegevens uit veel soorten bestanden weg, maar niet uit alle.".to_owned(),
            "Gebruik niet de computer, de telefoon of de wifi van je werk. Je werkgever kan daar soms zien welke websites je bezoekt.".to_owned(),
            "Gebruik een privévenster van je browser. Dan bewaart je browser niet dat je hier was.".to_owned(),
            "Gebruik Tor Browser als je dat kunt. Dan ziet ook je internetprovider niet dat je deze website bezoekt.".to_owned(),
            "Je hebt geen JavaScript nodig. Je mag het uitzetten, bijvoorbeeld met de stand 'Veiligst' in Tor Browser.".to_owned(),
        ],
    }
    },
    landing_after: |n| {
        Block {
        heading: "Wat gebeurt er na je melding?",
        paragraphs: vec![
            format!("Binnen {} dagen bevestigt de commissie dat ze je melding heeft ontvangen.", n.acknowledge_days),
            format!("Binnen {} maanden daarna krijg je een terugkoppeling. Je hoort dan wat de commissie met je melding heeft gedaan, of wat ze nog gaat doen.", n.feedback_months),
            "De commissie kan je tussendoor vragen stellen. Die lees je met je ophaalcode. Je krijgt daarover geen e-mail. Kijk dus zelf af en toe.".to_owned(),
            format!("Sluit de commissie je melding af? Dan bewaren we hem nog {} dagen. Daarna wissen we alles. Je kunt je melding ook zelf intrekken. Dan wissen we alles meteen.", n.retention_days),
        ],
        items: vec![],
    }
    },
    landing_start: "Een melding doen",
    landing_have_code: "Ik heb al een ophaalcode",

    // ---- report form --------------------------------------------------------
    form_title: "Een melding doen",
    form_intro: "Vertel in je eigen woorden wat er is gebeurd. Bij sommige vragen staat '(niet verplicht)'. Die mag je overslaan. Na het versturen krijg je een ophaalcode.",
    form_reminder_heading: "Bescherm ook de privacy van cliënten",
    form_reminder: &[
        "Noem geen namen van cliënten.",
        "Schrijf geen geboortedata en geen burgerservicenummers (BSN) op.",
        "Beschrijf liever de situatie, bijvoorbeeld 'een cliënt van het wijkteam'.",
        "Noem namen van collega's alleen als dat echt nodig is.",
    ],
    optional: "(niet verplicht)",
    role_legend: "Wie ben je?",
    role_options: [
        "Sociaal werker",
        "Andere professional",
        "Vrijwilliger",
        "Stagiair",
        "Mantelzorger of familielid",
        "Cliënt of bewoner",
        "Zeg ik liever niet",
    ],
    concerns_legend: "Waar gaat je zorg over?",
    concerns_hint: "Kies er één of meer.",
    concern_options: [
        "Gegevens gedeeld met vrijwilligers",
        "Een medewerker van de gemeente vraagt om gegevens van cliënten, of krijgt ze. Maar die medewerker zorgt zelf niet voor die cliënten.",
        "Druk om het beroepsgeheim te doorbreken",
        "Je moet cliënten melden voor fraude, of iemand vraagt je dat",
        "Gegevens gedeeld met mantelzorgers of familie zonder toestemming",
        "Te veel gedeeld in overleg van het wijkteam of met andere organisaties",
        "Te veel vastgelegd in dossiers van cliënten",
        "Mensen die in dossiers of systemen kijken terwijl dat niet mag",
        "Een financier of verzekeraar wil dossiers inzien",
        "Gegevens onveilig gedeeld, of een datalek",
        "Cliënt niet op de hoogte gebracht, of onder druk gezet om toestemming te geven",
        "Iets anders",
    ],
    what_label: "Wat is er gebeurd?",
    what_hint: "Vertel wat er gebeurde en wie wat deed. Noem rollen, zoals 'de teamleider' of 'een medewerker van de gemeente'. Noem geen namen van cliënten. Hoe minder details over jezelf, hoe moeilijker het is om jou te herkennen.",
    where_legend: "Waar gebeurde het?",
    org_kind_label: "Soort organisatie, bijvoorbeeld wijkteam, gemeente of jeugdzorg",
    municipality_label: "Gemeente",
    org_name_label: "Naam van de organisatie",
    when_label: "Wanneer gebeurde het?",
    when_hint: "Een maand of periode is genoeg, bijvoorbeeld 'maart' of 'sinds de zomer'.",
    ongoing_legend: "Gebeurt het nog steeds?",
    ongoing_options: ["Ja", "Nee", "Weet ik niet"],
    affected_label: "Wie worden erdoor geraakt?",
    affected_hint: "Bijvoorbeeld de cliënten van een team, of een groep bewoners. Noem geen namen.",
    elsewhere_label: "Heb je dit al ergens anders gemeld?",
    elsewhere_hint: "Bijvoorbeeld bij je leidinggevende, bij de privacyfunctionaris van je organisatie (de FG) of bij de Autoriteit Persoonsgegevens. Schrijf ook op wat er daarna gebeurde.",
    hope_legend: "Wat wil je van de commissie?",
    hope_options: [
        "Alleen vastleggen, zodat de commissie ervan weet",
        "Advies over wat ik kan doen",
        "Een gesprek met de commissie",
    ],
    contact_label: "Je contactgegevens",
    contact_warning: "Let op: vul je hier een naam, e-mailadres of telefoonnummer in? Dan weet de commissie wie je bent. Doe dit alleen als je wilt dat de commissie contact met je opneemt. Wil je anoniem blijven? Laat dit veld dan leeg. Je leest de antwoorden dan met je ophaalcode.",
    submit_button: "Melding versturen",

    // ---- form errors --------------------------------------------------------
    error_summary_title: "Er is een probleem",
    err_role_missing: "Kies wie je bent. Zeg je dat liever niet? Kies dan 'Zeg ik liever niet'.",
    err_concern_missing: "Kies minstens één onderwerp waar je zorg over gaat.",
    err_what_missing: "Vertel wat er is gebeurd.",
    err_too_long: |max| format!("Deze tekst is te lang. Gebruik hoogstens {max} tekens."),
    err_invalid_choice: "Deze keuze kennen we niet. Kies een van de opties op het formulier.",
    form_expired: "Het formulier stond te lang open. Daarom is je melding nog niet verstuurd. Alles wat je had ingevuld, staat hieronder nog. Kijk het na en verstuur het opnieuw.",
    form_already_sent_title: "Dit formulier is al verstuurd",
    form_already_sent_text: "Dit formulier is al eerder verstuurd. We bewaren een melding maar één keer. Heb je een ophaalcode gekregen? Gebruik die dan om je melding te lezen. Heb je geen code gezien? Begin dan een nieuwe melding.",

    // ---- receipt ------------------------------------------------------------
    receipt_title: "Je melding is verstuurd",
    receipt_intro: "Dank je wel. We hebben je melding ontvangen. We hebben hem versleuteld opgeslagen. Alleen de commissie kan hem openen, en jij met je ophaalcode.",
    receipt_code_label: "Je ophaalcode",
    receipt_keep_safe_heading: "Bewaar je code goed",
    receipt_keep_safe: &[
        "Schrijf de code nu op papier. Of druk deze pagina af.",
        "Bewaar het papier op een plek waar anderen het niet vinden.",
        "Bewaar de code niet op een computer of telefoon die je met anderen deelt. Maak daar ook geen schermafbeelding.",
        "Stuur de code niet per e-mail of app, ook niet naar jezelf.",
        "Iedereen met deze code kan je melding en de berichten lezen.",
    ],
    receipt_shown_once: "Je ziet deze code maar één keer: alleen hier, op deze pagina. Niemand kan de code later terughalen of opnieuw sturen, ook de commissie niet. Ben je de code kwijt? Dan kun je je melding niet meer lezen.",
    receipt_retention: |n| {
        format!(
            "Sluit de commissie je melding af? Dan wissen we hem {} dagen later. Je code werkt dan niet meer.",
            n.retention_days
        )
    },
    receipt_dates_heading: "Wanneer hoor je iets?",
    ack_by_label: "De commissie bevestigt de ontvangst uiterlijk op",
    feedback_by_label: "Je krijgt een terugkoppeling uiterlijk op",
    receipt_next: "Kom later terug via 'Ophalen met code' en vul daar je code in. Je leest dan de vragen en antwoorden van de commissie. Je krijgt daarover geen e-mail. Kijk dus zelf af en toe.",

    // ---- pickup -------------------------------------------------------------
    pickup_title: "Je melding ophalen met je code",
    pickup_intro: |n| {
        format!(
            "Heb je al een melding gedaan? Vul dan hieronder je ophaalcode in. Daarna lees je de berichten van de commissie. Je kunt ook zelf een bericht sturen. Zolang je bent ingelogd, gebruiken we één cookie. {}",
            session_rule(n)
        )
    },
    code_label: "Ophaalcode",
    code_hint: "De code heeft 25 tekens. Spaties, streepjes, hoofdletters en kleine letters maken niet uit.",
    pickup_button: "Melding openen",
    err_code_typo: "Er zit waarschijnlijk een typefout in de code. Vergelijk de code teken voor teken met wat je hebt opgeschreven.",
    err_code_format: "Dit is geen geldige code. Een code heeft 25 tekens. Kijk of je alles goed hebt overgenomen.",
    err_code_unknown: |n| {
        format!(
            "We vinden geen melding bij deze code. Kijk de code nog eens na. Misschien is de melding al gewist. Dat gebeurt {} dagen nadat de commissie de melding heeft afgesloten. En meteen als je de melding hebt ingetrokken. De code werkt dan niet meer.",
            n.retention_days
        )
    },

    // ---- thread -------------------------------------------------------------
    thread_title: "Je melding en berichten",
    status_label: "Status",
    statuses: [
        "Ontvangen",
        "Ontvangst bevestigd",
        "In behandeling",
        "Wacht op jouw antwoord",
        "Terugkoppeling gegeven",
        "Afgesloten",
    ],
    close_reasons: [
        "Meegenomen in de analyse van de commissie",
        "Doorverwezen naar de Autoriteit Persoonsgegevens",
        "Doorverwezen naar het Huis voor Klokkenluiders",
        "Valt buiten het werk van de commissie",
        "Geen reactie meer ontvangen",
    ],
    close_reason_label: "Reden van afsluiten",
    received_on_label: "Ontvangen op",
    acknowledged_on_label: "Ontvangst bevestigd op",
    closed_on_label: "Afgesloten op",
    messages_heading: "Berichten",
    author_you: "Jij",
    author_committee: "De commissie",
    message_date_label: "Datum",
    report_heading: "Je melding",
    followup_heading: "Een bericht sturen",
    followup_label: "Je bericht",
    followup_hint: "Beantwoord hier vragen van de commissie, of vul je melding aan. Noem geen namen van cliënten.",
    followup_button: "Bericht versturen",
    followup_sent: "Je bericht is verstuurd. We hebben het versleuteld opgeslagen.",
    err_followup_empty: "Je bericht is leeg. Schrijf eerst iets.",
    thread_closed_note: |n| {
        format!(
            "Deze melding is afgesloten. Je kunt geen nieuwe berichten meer sturen. We wissen de melding {} dagen na het afsluiten. Wil je iets nieuws melden? Doe dan een nieuwe melding.",
            n.retention_days
        )
    },
    signout_button: "Uitloggen",
    signout_hint: "Log uit als je klaar bent. Zeker op een computer die je met anderen deelt.",
    signed_out_title: "Je bent uitgelogd",
    signed_out_text: "Je bent uitgelogd. Zit je op een computer die je met anderen deelt? Sluit dan ook het browservenster.",
    session_ended: |n| {
        format!(
            "Je bent niet meer ingelogd. Dat gebeurt als je zelf uitlogt, als je {} niets doet, en altijd na {}. Vul je code opnieuw in om verder te gaan.",
            duration(n.session_idle_secs),
            duration(n.session_max_secs)
        )
    },
    message_unreadable: "Dit bericht kan niet worden getoond. Vraag de commissie in een nieuw bericht om het opnieuw te sturen.",
    kept_text_label: "Je bericht dat nog niet is verstuurd",
    kept_text_hint: "Dit had je geschreven. Het is nog niet verstuurd. Vul je code in: daarna staat het weer in het berichtvak en kun je het versturen. Had je bestanden gekozen? Kies die dan opnieuw.",
    kept_text_notice: "Je bericht is nog niet verstuurd. Het staat hieronder in het berichtvak. Kijk het na en klik op Bericht versturen.",
    followup_form_stale: "Dit formulier is van een eerdere keer dat je was ingelogd. Daarom is je bericht nog niet verstuurd. Het staat hieronder nog. Kijk het na en verstuur het opnieuw.",
    yes: "Ja",
    no: "Nee",
    not_given: "(niet ingevuld)",

    // ---- error pages --------------------------------------------------------
    back_home: "Terug naar de startpagina",
    not_found_title: "Pagina niet gevonden",
    not_found_text: "Deze pagina bestaat niet. Misschien is het adres niet goed overgenomen.",
    method_title: "Dit kan hier niet",
    method_text: "Op deze pagina kan dit niet. Ga terug naar de startpagina en probeer het opnieuw.",
    too_large_title: "Te veel tekst",
    too_large_text: "Wat je stuurde, is te groot. Er is niets opgeslagen. Maak je tekst korter en probeer het opnieuw. Tip: ga met de terugknop van je browser terug. Vaak staat je tekst er dan nog.",
    too_many_title: "Te veel pogingen",
    too_many_text: "Er kwamen in korte tijd te veel pogingen binnen. Er is niets opgeslagen. Wacht een paar minuten en probeer het dan opnieuw.",
    busy_title: "Druk: probeer het later opnieuw",
    busy_text: "Er kwamen dit uur te veel meldingen binnen. Daarom is je melding niet opgeslagen. Stuur je melding over een uur opnieuw.",
    bad_request_title: "Dit konden we niet lezen",
    bad_request_text: "Wat je stuurde, konden we niet lezen. Misschien stonden er vreemde tekens in. Of het formulier is beschadigd of veranderd. Er is niets opgeslagen. Ga terug en probeer het opnieuw.",
    server_error_title: "Er ging iets mis",
    server_error_text: "Er ging bij ons iets mis. Dat ligt niet aan jou. Er is niets opgeslagen. Probeer het later opnieuw.",
    unavailable_title: "Tijdelijk niet beschikbaar",
    unavailable_text: "Het meldpunt is even niet beschikbaar. Er is niets opgeslagen. Probeer het later opnieuw.",
    forbidden_title: "Verzoek geweigerd",
    forbidden_text: "Dit verzoek kwam van een andere website. Daarom hebben we het geweigerd. Er is niets opgeslagen. Open het meldpunt zelf en probeer het daar opnieuw.",

    files_label: "Bestanden",
    files_warning: &[
        "Bestanden kunnen meer over jou vertellen dan je denkt. Een foto kan de plek bevatten waar hij is gemaakt. Een document kan je naam of die van je organisatie bevatten.",
        "Wij halen zulke gegevens weg uit foto's (JPEG, PNG, WebP), uit Word-, Excel- en PowerPointbestanden en uit PDF's. Bij andere bestanden kan dat niet.",
        "Kijk ook naar wat er in het bestand zelf staat, zoals namen in een brief of in een schermafbeelding.",
    ],
    files_limits: |files, per_file, total| {
        format!(
            "Hoogstens {files} bestanden, elk hoogstens {per_file} MB, samen hoogstens {total} MB."
        )
    },
    files_choose_again: "Je bestanden zijn nog niet verstuurd. Kies ze opnieuw voordat je verstuurt.",
    err_too_many_files: |max| {
        format!("Je kunt hoogstens {max} bestanden tegelijk sturen. Er is niets opgeslagen.")
    },
    err_file_too_large: |mib| {
        format!("Een bestand is groter dan {mib} MB. Er is niets opgeslagen.")
    },
    err_message_too_large: |mib| {
        format!("De bestanden zijn samen groter dan {mib} MB. Er is niets opgeslagen.")
    },
    err_upload_failed: "Een bestand kon niet goed worden ontvangen. Er is niets opgeslagen. Probeer het opnieuw.",
    files_heading: "Bestanden",
    meta_removed: "Weggehaald:",
    meta_nothing_found: "Gecontroleerd: geen verborgen gegevens gevonden.",
    meta_not_checked: "Niet gecontroleerd: dit soort bestand kunnen wij niet opschonen. Er kan informatie over jou in staan.",
    meta_could_not_check: "Verborgen gegevens niet verwijderd. Dit bestand was beschadigd, te ingewikkeld of te ongewoon om op te schonen. We hebben het opgeslagen zoals het was. Er kunnen verborgen gegevens in staan, zoals een naam, een plaats of het tijdstip van een foto. Die kunnen naar jou wijzen, en de commissie kan ze zien.",
    removed_kinds: [
        "EXIF-gegevens (met een eventuele GPS-plek)",
        "XMP-gegevens",
        "IPTC-gegevens",
        "opmerkingen",
        "tekstnotities",
        "auteur",
        "laatst bewerkt door",
        "organisatie",
        "documenteigenschappen",
        "documentinformatie van de PDF",
    ],
    months: [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ],
    error_prefix: "Fout:",
    choose_one: "Kies een antwoord",
    no_answer: "Zeg ik liever niet",
    summary_keys: [
        "Jouw rol",
        "Onderwerp",
        "Wat er gebeurde",
        "Soort organisatie",
        "Gemeente",
        "Organisatie",
        "Wanneer",
        "Nog steeds bezig",
        "Wie het raakt",
        "Al ergens anders gemeld",
        "Wat je wilt",
        "Contactgegevens",
    ],
    receipt_code_digits: "Cijfers zijn onderstreept. De code heeft geen O en geen I, L of U: een rondje is altijd een nul.",
    exclude_legend: "Mag iemand van de commissie je melding niet lezen?",
    exclude_hint: "Ken je iemand van de commissie persoonlijk? Of gaat je melding over hun werk of hun organisatie? Vink dan hun naam aan. Die persoon kan je melding, je latere berichten en de antwoorden niet lezen. Die ziet alleen dat er een melding is. Je hoeft niemand aan te vinken. Minstens één lid moet je melding kunnen lezen.",
    err_exclude_everyone: "Je hebt iedereen van de commissie aangevinkt. Laat minstens één lid over dat je melding mag lezen.",
    receipt_left_out: "Deze leden van de commissie kunnen je melding niet lezen:",
};
