//! The Dutch words the pages use for the engine's values: labels only, never a rule. What a status means and
//! why is in the engine's explanation, shown beside it.

use chrono::{Datelike, NaiveDate};
use termijn_domain::dutch;
use termijn_domain::filing::Filing;
use termijn_domain::register::{AppealStatus, Appellant, DecisionStatus, SpaceDecisionKind, TermBasis, TermStatus};
use termijn_domain::values::Euro;

use crate::auth::Role;

pub fn role(role: Role) -> &'static str {
    match role {
        Role::Legal => "juridisch medewerker NZa",
        Role::Auditor => "auditor",
        Role::Provider => "zorgaanbieder",
    }
}

pub const BASES: [TermBasis; 7] = [
    TermBasis::Art105Lid2,
    TermBasis::Art105Lid3,
    TermBasis::Awb6_8,
    TermBasis::Awb6_7,
    TermBasis::Awb7_10,
    TermBasis::Awb8_72,
    TermBasis::Awb6_15,
];

/// What a term is, in words.
pub fn basis(basis: TermBasis) -> &'static str {
    match basis {
        TermBasis::Art105Lid2 => "Beroepstermijn na een tariefbeschikking",
        TermBasis::Art105Lid3 => "Beroepstermijn vanaf 1 maart",
        TermBasis::Awb6_8 => "Beroepstermijn vanaf de bekendmaking",
        TermBasis::Awb6_7 => "Bezwaartermijn tegen een tariefbeschikking",
        TermBasis::Awb7_10 => "Beslistermijn op bezwaar (NZa)",
        TermBasis::Awb8_72 => "Termijn voor een nieuw besluit na vernietiging (NZa)",
        TermBasis::Awb6_15 => "Doorzenden van een beroepschrift aan het CBb (NZa)",
    }
}

/// The value a basis has in the API and in a page's address.
pub fn basis_code(basis: TermBasis) -> String {
    serde_json::to_value(basis).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

pub fn term_status(status: TermStatus) -> &'static str {
    match status {
        TermStatus::Pending => "nog niet begonnen",
        TermStatus::Open => "loopt",
        TermStatus::Closed => "verstreken",
        TermStatus::Conditional => "voorwaardelijk (geen datum om op te plannen)",
        TermStatus::NotOpened => "niet geopend",
    }
}

pub fn decision_status(status: DecisionStatus) -> &'static str {
    match status {
        DecisionStatus::NotAnnounced => "bekendmaking niet geregistreerd",
        DecisionStatus::NotAppealable => "niet vatbaar voor beroep",
        DecisionStatus::Annulled => "vernietigd",
        DecisionStatus::UnderAppeal => "in beroep",
        DecisionStatus::Irrevocable => "onherroepelijk",
        DecisionStatus::PostWeek => "termijn verstreken; een per post verzonden beroep kan nog binnenkomen",
        DecisionStatus::AwaitingNotice => "termijn verstreken; een tijdig beroep kan nog worden gemeld",
        DecisionStatus::Open => "beroep staat open",
        DecisionStatus::Pending => "beroepstermijn nog niet begonnen",
    }
}

pub fn decision_kind(kind: SpaceDecisionKind) -> &'static str {
    match kind {
        SpaceDecisionKind::Establishment => "vaststelling",
        SpaceDecisionKind::Amendment => "wijziging",
        SpaceDecisionKind::CourtDecided => "uitspraak CBb in de plaats van het besluit",
    }
}

pub fn appeal_status(status: AppealStatus) -> &'static str {
    match status {
        AppealStatus::Pending => "aanhangig",
        AppealStatus::Withdrawn => "ingetrokken",
        AppealStatus::Dismissed => "ongegrond",
        AppealStatus::Upheld => "gegrond",
        AppealStatus::Inadmissible => "niet-ontvankelijk",
    }
}

pub fn filing(filing: Filing) -> &'static str {
    match filing {
        Filing::OnTime => "tijdig",
        Filing::OnTimeByPost => "tijdig (per post)",
        Filing::Premature => "voor het begin van de termijn (art. 6:10 Awb)",
        Filing::Late => "te laat (art. 6:11 Awb)",
        Filing::NoTerm => "geen termijn (besluit van voor de inwerkingtreding)",
    }
}

pub fn appellant(appellant: &Appellant) -> String {
    match appellant {
        Appellant::Provider(agb) => format!("zorgaanbieder {agb}"),
        Appellant::CareOffice(name) => format!("zorgkantoor {name}"),
        Appellant::Other(name) => name.clone(),
    }
}

pub fn weekday(date: NaiveDate) -> &'static str {
    dutch::weekday(date.weekday())
}

/// An amount as the NZa publishes it: "€ 812.345.000,00".
pub fn euro(amount: &Euro) -> String {
    let text = amount.to_string();
    let (whole, cents) = text.split_once('.').unwrap_or((&text, "00"));
    let (sign, digits) = whole.strip_prefix('-').map_or(("", whole), |d| ("-", d));
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(c);
    }
    format!("€ {sign}{grouped},{cents:0<2}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_written_as_published() {
        assert_eq!(euro(&Euro::parse("812345000.00").unwrap()), "€ 812.345.000,00");
        assert_eq!(euro(&Euro::parse("5.00").unwrap()), "€ 5,00");
        assert_eq!(euro(&Euro::parse("1000").unwrap()), "€ 1.000,00");
    }
}
