//! Term computation: every region-year of a year, for every provider, through the term engine.
//! Prints terms per second and microseconds per term.

use std::time::Instant;

use chrono::NaiveDate;
use termijn_bench::{Rng, synthetic_region_year};
use termijn_domain::reference::LegalContext;
use termijn_domain::register::assess_region_year;

fn main() {
    let providers: u32 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(150);
    let context = LegalContext::shipped().expect("shipped reference data");
    let mut rng = Rng::new(36_486);
    let year = 2027;
    let facts: Vec<_> = context
        .regions
        .all()
        .iter()
        .map(|region| synthetic_region_year(&mut rng, &region.slug, year, providers))
        .collect();
    let as_of = NaiveDate::from_ymd_opt(year, 12, 31).expect("valid date");

    // Warm up once, then measure enough rounds for a stable figure.
    let mut terms = 0usize;
    for f in &facts {
        terms += assess_region_year(f, &context, as_of).terms.len();
    }
    let rounds = 20;
    let started = Instant::now();
    let mut checksum = 0usize;
    for _ in 0..rounds {
        for f in &facts {
            checksum += assess_region_year(f, &context, as_of).terms.len();
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    assert_eq!(checksum, terms * rounds);
    let per_second = (terms * rounds) as f64 / elapsed;
    println!("region-years            {}", facts.len());
    println!("providers per region    {providers}");
    println!("terms per region-year   {}", terms / facts.len());
    println!("terms per second        {per_second:.0}");
    println!("microseconds per term   {:.2}", 1e6 / per_second);
    println!(
        "{{\"terms_per_s\": {per_second:.0}, \"us_per_term\": {:.3}, \"terms\": {terms}, \"region_years\": {}}}",
        1e6 / per_second,
        facts.len()
    );
}
