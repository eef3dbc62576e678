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
        self.0.push(format!("{article}: {text}"));
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
