//! Words the synthetic data set is written with: people's names and ranks in Spanish,
//! Portuguese, English and French, course subjects and levels, the names of synthetic
//! police forces, and how the generator treats each country.

use super::support::Rng;
use crate::text::fold;

/// A language of the Americas the generator writes names in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Language {
    Es,
    Pt,
    En,
    Fr,
}

impl Language {
    pub(super) fn code(self) -> &'static str {
        match self {
            Language::Es => "es",
            Language::Pt => "pt",
            Language::En => "en",
            Language::Fr => "fr",
        }
    }
}

/// The generator's settings for one country.
pub(super) struct Profile {
    pub(super) iso3: &'static str,
    /// The language of its institutions' official names and of most officers' names.
    pub(super) language: Language,
    /// Another language of officers' names, with the share of officers who have it.
    pub(super) second: Option<(Language, f64)>,
    /// Relative number of synthetic police institutions, roughly following population.
    pub(super) weight: u32,
    /// Whether the country has state or provincial police forces.
    pub(super) federal: bool,
    /// IANA time zone of its on-site offerings.
    pub(super) time_zone: &'static str,
}

impl Profile {
    pub(super) fn officer_language(&self, rng: &mut Rng) -> Language {
        match self.second {
            Some((language, share)) if rng.chance(share) => language,
            _ => self.language,
        }
    }
}

pub(super) const fn country(iso3: &'static str, language: Language, weight: u32, time_zone: &'static str) -> Profile {
    Profile { iso3, language, second: None, weight, federal: false, time_zone }
}

/// The seed's countries. Cuba gets no synthetic institutions because it does not take part
/// in the OAS. NOTE: Suriname's official language is Dutch, but the generator has no
/// Dutch names and writes English ones there.
pub(super) const PROFILES: [Profile; 35] = [
    country("ATG", Language::En, 1, "America/Antigua"),
    Profile { federal: true, ..country("ARG", Language::Es, 6, "America/Argentina/Buenos_Aires") },
    country("BHS", Language::En, 1, "America/Nassau"),
    country("BRB", Language::En, 1, "America/Barbados"),
    country("BLZ", Language::En, 1, "America/Belize"),
    country("BOL", Language::Es, 3, "America/La_Paz"),
    Profile { federal: true, ..country("BRA", Language::Pt, 14, "America/Sao_Paulo") },
    Profile { federal: true, second: Some((Language::Fr, 0.25)), ..country("CAN", Language::En, 6, "America/Toronto") },
    country("CHL", Language::Es, 3, "America/Santiago"),
    country("COL", Language::Es, 5, "America/Bogota"),
    country("CRI", Language::Es, 2, "America/Costa_Rica"),
    country("CUB", Language::Es, 0, "America/Havana"),
    country("DMA", Language::En, 1, "America/Dominica"),
    country("DOM", Language::Es, 2, "America/Santo_Domingo"),
    country("ECU", Language::Es, 3, "America/Guayaquil"),
    country("SLV", Language::Es, 2, "America/El_Salvador"),
    country("GRD", Language::En, 1, "America/Grenada"),
    country("GTM", Language::Es, 3, "America/Guatemala"),
    country("GUY", Language::En, 1, "America/Guyana"),
    country("HTI", Language::Fr, 2, "America/Port-au-Prince"),
    country("HND", Language::Es, 2, "America/Tegucigalpa"),
    country("JAM", Language::En, 1, "America/Jamaica"),
    Profile { federal: true, ..country("MEX", Language::Es, 12, "America/Mexico_City") },
    country("NIC", Language::Es, 1, "America/Managua"),
    country("PAN", Language::Es, 2, "America/Panama"),
    country("PRY", Language::Es, 2, "America/Asuncion"),
    country("PER", Language::Es, 4, "America/Lima"),
    country("KNA", Language::En, 1, "America/St_Kitts"),
    country("LCA", Language::En, 1, "America/St_Lucia"),
    country("VCT", Language::En, 1, "America/St_Vincent"),
    country("SUR", Language::En, 1, "America/Paramaribo"),
    country("TTO", Language::En, 1, "America/Port_of_Spain"),
    Profile {
        federal: true,
        second: Some((Language::Es, 0.15)),
        ..country("USA", Language::En, 18, "America/New_York")
    },
    country("URY", Language::Es, 2, "America/Montevideo"),
    Profile { federal: true, ..country("VEN", Language::Es, 3, "America/Caracas") },
];

/// A country outside [`PROFILES`] gets one synthetic institution with English names.
pub(super) const OTHER_COUNTRY: Profile = country("", Language::En, 1, "UTC");

pub(super) fn profile(iso3: &str) -> &'static Profile {
    PROFILES.iter().find(|profile| profile.iso3 == iso3).unwrap_or(&OTHER_COUNTRY)
}

/// A person's name.
pub(super) struct Name {
    pub(super) display: String,
    pub(super) given: &'static str,
    pub(super) family: &'static str,
}

/// Draws a name in the usual form of `language`: two family names in Spanish and often
/// in Portuguese, one in English and French.
pub(super) fn person_name(language: Language, rng: &mut Rng) -> Name {
    let lists = match language {
        Language::Es => &SPANISH,
        Language::Pt => &PORTUGUESE,
        Language::En => &ENGLISH,
        Language::Fr => &FRENCH,
    };
    let given_names = if rng.chance(0.35) { lists.female } else { lists.male };
    let given = given_names[rng.index(given_names.len())];
    let family = lists.family[rng.index(lists.family.len())];

    // Given names: a second one is common in Spanish and Portuguese, a middle initial in English.
    let mut display = given.to_owned();
    let second_given = match language {
        Language::Es => 0.3,
        Language::Pt => 0.2,
        Language::En | Language::Fr => 0.0,
    };
    if rng.chance(second_given) {
        let second = given_names[rng.index(given_names.len())];
        if second != given {
            display.push(' ');
            display.push_str(second);
        }
    }
    if language == Language::En && rng.chance(0.2) {
        display.push(' ');
        display.push(char::from(b'A' + rng.below(26) as u8));
        display.push('.');
    }

    // Family names: the father's and the mother's in Spanish, often both in Portuguese.
    display.push(' ');
    display.push_str(family);
    let second_family = match language {
        Language::Es => 0.9,
        Language::Pt => 0.6,
        Language::En | Language::Fr => 0.0,
    };
    if rng.chance(second_family) {
        let other = lists.family[rng.index(lists.family.len())];
        if other != family {
            display.push(' ');
            display.push_str(other);
        }
    }
    Name { display, given, family }
}

/// Draws a rank, lower ranks being the more common.
pub(super) fn rank(language: Language, rng: &mut Rng) -> &'static str {
    let ranks: &[&str] = match language {
        Language::Es => &SPANISH_RANKS,
        Language::Pt => &PORTUGUESE_RANKS,
        Language::En => &ENGLISH_RANKS,
        Language::Fr => &FRENCH_RANKS,
    };
    ranks[rng.index(ranks.len()).min(rng.index(ranks.len()))]
}

/// Builds an address at the reserved example.org domain, made unique by the officer id.
pub(super) fn email(name: &Name, id: i32) -> String {
    let ascii = |text: &str| fold(text).chars().filter(char::is_ascii_alphanumeric).collect::<String>();
    format!("{}.{}{id}@example.org", ascii(name.given), ascii(name.family))
}

/// Given and family names of one language.
pub(super) struct NameLists {
    pub(super) female: &'static [&'static str],
    pub(super) male: &'static [&'static str],
    pub(super) family: &'static [&'static str],
}

#[rustfmt::skip]
pub(super) const SPANISH: NameLists = NameLists {
    female: &[
        "María", "Ana", "Lucía", "Carmen", "Valentina", "Camila", "Daniela", "Gabriela", "Paola", "Andrea", "Sofía",
        "Natalia", "Fernanda", "Laura", "Patricia", "Rosa", "Verónica", "Claudia", "Alejandra", "Diana",
    ],
    male: &[
        "María", "Ana", "Lucía", "Carmen", "Valentina", "Camila", "Daniela", "Gabriela", "Paola", "Andrea", "Sofía",
        "Natalia", "Fernanda", "Laura", "Patricia", "Rosa", "Verónica", "Claudia", "Alejandra", "Diana",
    ],
    family: &[
        "García", "Rodríguez", "Martínez", "Hernández", "López", "González", "Pérez", "Sánchez", "Ramírez", "Torres",
        "Flores", "Rivera", "Gómez", "Díaz", "Morales", "Vargas", "Castillo", "Jiménez", "Moreno", "Romero", "Herrera",
        "Medina", "Aguilar", "Rojas", "Ortiz", "Castro", "Vásquez", "Ruiz", "Mendoza", "Chávez",
    ],
};

#[rustfmt::skip]
pub(super) const PORTUGUESE: NameLists = NameLists {
    female: &[
        "Ana", "Maria", "Juliana", "Fernanda", "Beatriz", "Camila", "Larissa", "Patrícia", "Aline", "Mariana",
        "Letícia", "Renata", "Gabriela", "Luana", "Tatiane",
    ],
    male: &[
        "Ana", "Maria", "Juliana", "Fernanda", "Beatriz", "Camila", "Larissa", "Patrícia", "Aline", "Mariana",
        "Letícia", "Renata", "Gabriela", "Luana", "Tatiane",
    ],
    family: &[
        "Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira", "Lima", "Gomes", "Costa",
        "Ribeiro", "Martins", "Carvalho", "Almeida", "Lopes", "Soares", "Fernandes", "Vieira", "Barbosa", "Rocha",
        "Dias", "Nascimento", "Araújo", "Moreira", "Cardoso", "Teixeira", "Cavalcanti", "Mendes", "Freitas",
    ],
};

#[rustfmt::skip]
pub(super) const ENGLISH: NameLists = NameLists {
    female: &[
        "Mary", "Jennifer", "Sarah", "Jessica", "Ashley", "Emily", "Michelle", "Amanda", "Nicole", "Stephanie",
        "Rachel", "Karen", "Lisa", "Keisha", "Shanice",
    ],
    male: &[
        "Mary", "Jennifer", "Sarah", "Jessica", "Ashley", "Emily", "Michelle", "Amanda", "Nicole", "Stephanie",
        "Rachel", "Karen", "Lisa", "Keisha", "Shanice",
    ],
    family: &[
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson", "Taylor", "Thomas",
        "Moore", "Jackson", "Martin", "Thompson", "White", "Harris", "Clarke", "Campbell", "Lewis", "Robinson",
        "Walker", "Young", "Allen", "King", "Wright", "Scott", "Green", "Baker", "Hall",
    ],
};

#[rustfmt::skip]
pub(super) const FRENCH: NameLists = NameLists {
    female: &[
        "Marie", "Nathalie", "Isabelle", "Sophie", "Julie", "Camille", "Chloé", "Émilie", "Mireille", "Nadège",
        "Rose-Marie", "Fabienne", "Geneviève", "Manon", "Claudette",
    ],
    male: &[
        "Marie", "Nathalie", "Isabelle", "Sophie", "Julie", "Camille", "Chloé", "Émilie", "Mireille", "Nadège",
        "Rose-Marie", "Fabienne", "Geneviève", "Manon", "Claudette",
    ],
    family: &[
        "Joseph", "Jean-Louis", "Pierre", "Charles", "Baptiste", "Louis", "Étienne", "Dupont", "Tremblay", "Gagnon",
        "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie", "Fortin", "Gagné", "Ouellet", "Pelletier", "Bélanger",
        "Lévesque", "Bergeron", "Leblanc", "Dubois",
    ],
};

#[rustfmt::skip]
pub(super) const SPANISH_RANKS: [&str; 10] = [
    "Agente", "Cabo", "Sargento", "Suboficial", "Subteniente", "Teniente", "Capitán", "Mayor", "Comisario",
    "Comandante",
];
#[rustfmt::skip]
pub(super) const PORTUGUESE_RANKS: [&str; 10] = [
    "Soldado", "Cabo", "Sargento", "Subtenente", "Tenente", "Capitão", "Major", "Tenente-Coronel", "Coronel",
    "Delegado",
];
#[rustfmt::skip]
pub(super) const ENGLISH_RANKS: [&str; 10] = [
    "Constable", "Corporal", "Sergeant", "Inspector", "Lieutenant", "Chief Inspector", "Captain", "Superintendent",
    "Commander", "Deputy Chief",
];
#[rustfmt::skip]
pub(super) const FRENCH_RANKS: [&str; 10] = [
    "Agent", "Brigadier", "Brigadier-chef", "Inspecteur", "Lieutenant", "Capitaine", "Commandant", "Commissaire",
    "Commissaire divisionnaire", "Directeur départemental",
];

/// A subject of the synthetic courses, with its title in the four languages.
pub(super) struct Topic {
    pub(super) code: &'static str,
    pub(super) en: &'static str,
    pub(super) es: &'static str,
    pub(super) pt: &'static str,
    pub(super) fr: &'static str,
}

pub(super) const TOPICS: [Topic; 20] = [
    Topic {
        code: "CP",
        en: "Community Policing",
        es: "Policía comunitaria",
        pt: "Policiamento comunitário",
        fr: "Police de proximité",
    },
    Topic {
        code: "HR",
        en: "Human Rights and the Use of Force",
        es: "Derechos humanos y uso de la fuerza",
        pt: "Direitos humanos e uso da força",
        fr: "Droits humains et usage de la force",
    },
    Topic {
        code: "CI",
        en: "Criminal Investigation",
        es: "Investigación criminal",
        pt: "Investigação criminal",
        fr: "Enquête criminelle",
    },
    Topic { code: "CY", en: "Cybercrime", es: "Ciberdelito", pt: "Crimes cibernéticos", fr: "Cybercriminalité" },
    Topic {
        code: "GV",
        en: "Response to Gender-Based Violence",
        es: "Respuesta a la violencia de género",
        pt: "Resposta à violência de gênero",
        fr: "Réponse aux violences fondées sur le genre",
    },
    Topic {
        code: "CA",
        en: "Crime Analysis",
        es: "Análisis delictivo",
        pt: "Análise criminal",
        fr: "Analyse de la criminalité",
    },
    Topic {
        code: "PL",
        en: "Police Leadership",
        es: "Liderazgo policial",
        pt: "Liderança policial",
        fr: "Leadership policier",
    },
    Topic {
        code: "TP",
        en: "Trafficking in Persons",
        es: "Trata de personas",
        pt: "Tráfico de pessoas",
        fr: "Traite des personnes",
    },
    Topic {
        code: "ML",
        en: "Money Laundering Investigation",
        es: "Investigación del lavado de activos",
        pt: "Investigação de lavagem de dinheiro",
        fr: "Enquêtes sur le blanchiment d'argent",
    },
    Topic { code: "RS", en: "Road Safety", es: "Seguridad vial", pt: "Segurança viária", fr: "Sécurité routière" },
    Topic {
        code: "CN",
        en: "Crisis Negotiation",
        es: "Negociación en crisis",
        pt: "Negociação em crises",
        fr: "Négociation de crise",
    },
    Topic {
        code: "FE",
        en: "Forensic Evidence",
        es: "Evidencia forense",
        pt: "Prova pericial",
        fr: "Preuves scientifiques",
    },
    Topic {
        code: "DT",
        en: "Drug Trafficking Interdiction",
        es: "Interdicción del narcotráfico",
        pt: "Repressão ao narcotráfico",
        fr: "Lutte contre le trafic de drogues",
    },
    Topic {
        code: "PO",
        en: "Public Order Management",
        es: "Gestión del orden público",
        pt: "Gestão da ordem pública",
        fr: "Gestion de l'ordre public",
    },
    Topic {
        code: "IN",
        en: "Police Ethics and Integrity",
        es: "Ética e integridad policial",
        pt: "Ética e integridade policial",
        fr: "Éthique et intégrité policières",
    },
    Topic {
        code: "YV",
        en: "Youth Violence Prevention",
        es: "Prevención de la violencia juvenil",
        pt: "Prevenção da violência juvenil",
        fr: "Prévention de la violence chez les jeunes",
    },
    Topic {
        code: "BS",
        en: "Border Security",
        es: "Seguridad fronteriza",
        pt: "Segurança de fronteiras",
        fr: "Sécurité des frontières",
    },
    Topic {
        code: "FC",
        en: "Firearms Control",
        es: "Control de armas de fuego",
        pt: "Controle de armas de fogo",
        fr: "Contrôle des armes à feu",
    },
    Topic {
        code: "IA",
        en: "Criminal Intelligence Analysis",
        es: "Análisis de inteligencia criminal",
        pt: "Análise de inteligência criminal",
        fr: "Analyse du renseignement criminel",
    },
    Topic {
        code: "VS",
        en: "Victim Support",
        es: "Atención a víctimas",
        pt: "Atendimento a vítimas",
        fr: "Aide aux victimes",
    },
];

/// A level of the synthetic courses: stored text and title suffix in four languages.
pub(super) struct Level {
    pub(super) stored: &'static str,
    pub(super) en: &'static str,
    pub(super) es: &'static str,
    pub(super) pt: &'static str,
    pub(super) fr: &'static str,
}

pub(super) const LEVELS: [Level; 3] = [
    Level { stored: "basic", en: "Fundamentals", es: "fundamentos", pt: "fundamentos", fr: "notions fondamentales" },
    Level {
        stored: "advanced",
        en: "Advanced Practice",
        es: "práctica avanzada",
        pt: "prática avançada",
        fr: "pratique avancée",
    },
    Level {
        stored: "instructors",
        en: "Training of Trainers",
        es: "formación de formadores",
        pt: "formação de formadores",
        fr: "formation de formateurs",
    },
];

/// Returns the official name (in the country's language) and the English name of a
/// synthetic municipal or state police force.
pub(super) fn institution_names(language: Language, state: bool, number: usize) -> (String, String) {
    match (language, state) {
        (Language::Es, false) => {
            (format!("Policía Municipal del Distrito {number}"), format!("Municipal Police of District {number}"))
        }
        (Language::Es, true) => {
            (format!("Policía Estatal de la Región {number}"), format!("State Police of Region {number}"))
        }
        (Language::Pt, false) => {
            (format!("Guarda Municipal do Distrito {number}"), format!("Municipal Guard of District {number}"))
        }
        (Language::Pt, true) => {
            (format!("Polícia Estadual da Região {number}"), format!("State Police of Region {number}"))
        }
        (Language::Fr, false) => {
            (format!("Police municipale du district {number}"), format!("Municipal Police of District {number}"))
        }
        (Language::Fr, true) => {
            (format!("Police régionale de la région {number}"), format!("Regional Police of Region {number}"))
        }
        (Language::En, false) => {
            let name = format!("District {number} Police Department");
            (name.clone(), name)
        }
        (Language::En, true) => {
            let name = format!("Region {number} Police Service");
            (name.clone(), name)
        }
    }
}
