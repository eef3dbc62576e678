//! R9, art. 105 lid 4 Wmg (new) with art. 6:9 lid 2 and 8:42 lid 1 Awb: when a decision is irrevocable, and when
//! that may be declared on what the register can know.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::calendar::AtwCalendar;
use crate::dutch;
use crate::explanation::Explanation;
use crate::terms::day_after;
use crate::values::DecisionId;

/// How long after the post week an appeal lodged at the CBb in time may still be notified to the NZa (art. 8:42
/// lid 1 Awb): configuration, shown as an assumption (open point 4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoticeMargin {
    pub days: u64,
    pub assumption: bool,
    #[serde(default)]
    pub source: String,
}

#[derive(Deserialize)]
struct LawFile {
    #[serde(default)]
    notice_margin: Option<NoticeMargin>,
}

impl NoticeMargin {
    /// The `[notice_margin]` table of `data/law.toml`, or the default when it has none.
    pub fn from_toml(text: &str) -> Result<Self, crate::reference::ReferenceDataError> {
        let file: LawFile = toml::from_str(text)
            .map_err(|e| crate::reference::ReferenceDataError::Parse { file: "law", message: e.to_string() })?;
        Ok(file.notice_margin.unwrap_or_default())
    }
}

impl NoticeMargin {
    /// The last day of the margin after a post week that ends on `post_week_until` (not extended by the Atw).
    pub fn last_day_after(&self, post_week_until: NaiveDate) -> NaiveDate {
        post_week_until.checked_add_days(Days::new(self.days)).unwrap_or(NaiveDate::MAX)
    }

    /// R9: the last day of the margin after a post week that ends on `post_week_until`, ended earlier by the
    /// CBb's confirmation that no appeal was lodged (`confirmed`, the days confirmations are dated): finality is
    /// then declared from the day of the first confirmation dated on or after that post week. A confirmation
    /// dated before it has no effect. Also gives that confirmation's day.
    pub fn last_day_confirmed(
        &self,
        post_week_until: NaiveDate,
        confirmed: &[NaiveDate],
    ) -> (NaiveDate, Option<NaiveDate>) {
        let full = self.last_day_after(post_week_until);
        match confirmed.iter().copied().filter(|c| *c >= post_week_until && *c <= full).min() {
            Some(c) => (c.pred_opt().unwrap_or(c).max(post_week_until), Some(c)),
            None => (full, None),
        }
    }
}

impl Default for NoticeMargin {
    /// Six weeks, an assumption.
    fn default() -> Self {
        Self { days: 42, assumption: true, source: "assumed default".to_owned() }
    }
}

/// A term that counts for finality: opened, not conditional.
#[derive(Debug, Clone, Copy)]
pub struct CountedTerm {
    pub last_day: NaiveDate,
    /// An R13 term: it holds finality back while open, but never counts as the term that has run.
    pub residual: bool,
    /// A term that exists only on a reading (R4 on L1(a)): it holds finality back, but cannot alone make the
    /// decision irrevocable (principle 3).
    pub on_reading: bool,
}

/// An appeal that holds finality back while pending: from `from` up to, not including, `until`.
#[derive(Debug, Clone, Copy)]
pub struct Hold {
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
}

/// R9(a), art. 105 lid 4 Wmg (new): the first day on which at least one term other than an R13 term has run
/// (on every reading), no term (R13 included) is open or still to begin, and no appeal that was premature, on
/// time or on time by post is pending. `None` while an appeal that holds it back has not ended, or when no such
/// term exists.
pub fn first_day_of_finality(terms: &[CountedTerm], holds: &[Hold]) -> Option<NaiveDate> {
    if !terms.iter().any(|t| !t.residual && !t.on_reading) {
        return None;
    }
    let mut since = day_after(terms.iter().map(|t| t.last_day).max()?);
    for hold in holds {
        since = since.max(hold.until?);
    }
    Some(since)
}

/// Where the declaration of finality stands on a date on or after its first day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Declaration {
    /// Art. 6:9 lid 2 Awb: an appeal posted in time may still arrive.
    PostWeek,
    /// Art. 8:42 lid 1 Awb: an appeal lodged at the CBb in time may not yet have been notified.
    AwaitingNotice,
    /// Certain on what the register can know.
    Declared,
}

/// The day after the post week that follows `last_day`: one week (art. 6:9 lid 2 Awb), extended by art. 1 Atw
/// when it ends on a Saturday, Sunday or holiday (principle 2), with the steps that say so.
pub fn post_week_end(last_day: NaiveDate, calendar: &AtwCalendar, explanation: &mut Explanation) -> NaiveDate {
    let nominal = last_day.checked_add_days(Days::new(7)).unwrap_or(NaiveDate::MAX);
    let extension = calendar.extend(nominal);
    if extension.last_day != nominal {
        explanation.step(
            "Lezing: art. 6:9 lid 2 Awb met art. 1 Algemene termijnenwet",
            format_args!(
                "de week waarin een tijdig ter post bezorgd beroepschrift nog kan binnenkomen, eindigt op {}, een \
                 zaterdag, zondag of algemeen erkende feestdag, en wordt verlengd tot en met {}",
                dutch::weekday_date(nominal),
                dutch::weekday_date(extension.last_day)
            ),
        );
    }
    extension.last_day
}

/// R9, principle 3: finality whose first day is `since` is declared only after the post week following the
/// latest last day (`post_week_until`, art. 6:9 lid 2 Awb) and the notice margin (art. 8:42 lid 1 Awb), and not
/// while a tariff decision that applies the decision, taken before `since`, has no recorded announcement.
/// `on` lies on or after `since`. Writes the step that says where the declaration stands.
pub fn declare_finality(
    since: NaiveDate,
    post_week_until: NaiveDate,
    margin: &NoticeMargin,
    confirmed: &[NaiveDate],
    unannounced_tariff: Option<&str>,
    on: NaiveDate,
    explanation: &mut Explanation,
) -> Declaration {
    let (margin_until, confirmation) = margin.last_day_confirmed(post_week_until, confirmed);
    if on <= post_week_until {
        explanation.step(
            "Art. 6:9 lid 2 Awb",
            format_args!(
                "de laatste termijn is verstreken, maar tot en met {} kan een tijdig ter post bezorgd beroepschrift \
                 nog binnenkomen; onherroepelijkheid wordt pas daarna vastgesteld",
                dutch::date(post_week_until)
            ),
        );
        return Declaration::PostWeek;
    }
    if on <= margin_until {
        explanation.step(
            "Art. 8:42 lid 1 Awb",
            format_args!(
                "een tijdig bij het CBb ingesteld beroep wordt de NZa pas na ontvangst meegedeeld; tot en met {} ({} \
                 dagen na de postweek{}) wordt onherroepelijkheid niet vastgesteld, tenzij het CBb bevestigt dat geen \
                 beroep is ingesteld",
                dutch::date(margin_until),
                margin.days,
                if margin.assumption { ", een aangenomen marge" } else { "" }
            ),
        );
        return Declaration::AwaitingNotice;
    }
    if let Some(confirmed_on) = confirmation {
        explanation.step(
            "Art. 8:42 lid 1 Awb",
            format_args!(
                "het CBb heeft op {} bevestigd dat geen beroep is ingesteld; de marge voor de mededeling van een \
                 beroep eindigt daarmee",
                dutch::date(confirmed_on)
            ),
        );
    }
    if let Some(tariff) = unannounced_tariff {
        explanation.step(
            "Art. 105 lid 2 Wmg",
            format_args!(
                "tariefbeschikking {tariff}, die dit besluit toepast en is genomen voor {}, heeft geen geregistreerde \
                 bekendmaking; onherroepelijkheid wordt niet vastgesteld zolang niet bekend is wanneer zij is \
                 bekendgemaakt",
                dutch::date(since)
            ),
        );
        return Declaration::AwaitingNotice;
    }
    Declaration::Declared
}

/// R9(a) as it stood on a tariff decision's event day, judged from the terms known before that day.
#[derive(Debug, Clone, Copy)]
pub struct EarlierFinality {
    /// The first day of finality.
    pub since: NaiveDate,
    /// The last day of the latest term known before the event day.
    pub latest_last_day: NaiveDate,
    /// The last day of the notice margin after that term's post week: finality is declared after it.
    pub margin_until: NaiveDate,
}

impl EarlierFinality {
    /// R9 on an event day: `since` is the first day of finality judged from `before`, the terms known before it.
    pub fn on(
        since: NaiveDate,
        before: &[CountedTerm],
        calendar: &AtwCalendar,
        margin: &NoticeMargin,
        confirmed: &[NaiveDate],
    ) -> Self {
        let latest_last_day = before.iter().map(|c| c.last_day).max().expect("finality needs a term");
        let post_week_until = post_week_end(latest_last_day, calendar, &mut Explanation::new());
        Self { since, latest_last_day, margin_until: margin.last_day_confirmed(post_week_until, confirmed).0 }
    }
}

/// What art. 105 lid 4 Wmg does to the term a tariff decision would open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lid4 {
    /// The decision was not irrevocable on the event day: an ordinary term.
    Opens,
    /// R9(a) held, but finality is not declared yet: conditional up to and including `until`; `step` says so.
    Conditional { until: NaiveDate, step: Explanation },
    /// Finality was declared before the event day: no term; `step` says why.
    NotOpened { step: Explanation },
}

/// R9 with art. 105 lid 4 Wmg (new): a tariff decision announced after the decision became irrevocable opens no
/// new term against it; one announced after the last term ran but before finality could be declared opens a
/// conditional term. When it is the provider's own first tariff decision (`own_first`), the step adds the MvT's
/// reading that lid 4 binds a party without a tariff decision of its own, and that the CBb may excuse its late
/// appeal (art. 6:11 Awb).
pub fn lid4_for_tariff_decision(
    earlier: Option<EarlierFinality>,
    event_day: NaiveDate,
    decision: &DecisionId,
    tariff: &DecisionId,
    tariff_announced_on: NaiveDate,
    own_first: bool,
) -> Lid4 {
    let Some(earlier) = earlier.filter(|e| e.since <= event_day) else { return Lid4::Opens };
    let others = if own_first {
        "; Lezing: art. 105 lid 4 Wmg bindt ook wie geen eigen tariefbeschikking had, omdat er \"immers al beroep \
         [heeft] opengestaan\" (MvT, onderdeel G); het CBb kan een te laat beroep van een partij die van die eerdere \
         tariefbeschikking niet kon weten verschoonbaar achten (art. 6:11 Awb)"
    } else {
        ""
    };
    let mut step = Explanation::new();
    if event_day > earlier.margin_until {
        step.step(
            "Art. 105 lid 4 Wmg",
            format_args!(
                "de regionale contracteerruimte van besluit {decision} is onherroepelijk sinds {} en blijft dat tenzij \
                 de NZa haar wijzigt; tariefbeschikking {tariff} (bekendgemaakt {}) opent geen nieuwe \
                 beroepstermijn{others}",
                dutch::date(earlier.since),
                dutch::date(tariff_announced_on)
            ),
        );
        return Lid4::NotOpened { step };
    }
    step.step(
        "Art. 105 lid 4 Wmg",
        format_args!(
            "voorwaardelijk: de laatste termijn tegen besluit {decision} liep af op {}; als het besluit sinds {} \
             onherroepelijk is, opent tariefbeschikking {tariff} geen nieuwe termijn; dat staat vast na {}, tenzij \
             blijkt dat tijdig beroep is ingesteld{others}",
            dutch::date(earlier.latest_last_day),
            dutch::date(earlier.since),
            dutch::date(earlier.margin_until)
        ),
    );
    Lid4::Conditional { until: earlier.margin_until, step }
}
