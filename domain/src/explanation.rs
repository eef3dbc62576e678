//! The reasoning behind a computed date, step by step, each step opening with the article it rests on.

use serde::{Deserialize, Serialize};

/// Ordered steps, each `"<article>: <what it decides, with its dates>"`, in Dutch as NZa legal staff read it.
/// Built by the same function that computes the date it explains.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Explanation(Vec<String>);

impl Explanation {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn step(&mut self, article: &str, text: impl std::fmt::Display) {
        use std::fmt::Write;
        /// Room for 99 steps in 100 at once (a step is about 200 bytes, the longest 440): a string grown from
        /// nothing as its text is written would be copied over six times.
        const STEP_BYTES: usize = 320;
        let mut step = String::with_capacity(STEP_BYTES.max(article.len() + 64));
        // Writing into a String cannot fail.
        let _ = write!(step, "{article}: {text}");
        self.0.push(step);
    }

    /// Adds a step already written, e.g. one redacted for another audience.
    pub fn push(&mut self, step: String) {
        self.0.push(step);
    }

    pub fn steps(&self) -> &[String] {
        &self.0
    }

    pub fn extend(&mut self, other: Explanation) {
        self.0.extend(other.0);
    }
}
