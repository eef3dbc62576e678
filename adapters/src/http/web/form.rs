//! What forms and filters show: the fields with their values, and the API's messages at the field they name.

use crate::http::AppState;
use crate::http::error::{ApiError, FieldError};

/// The errors of a request, by the field they name (the API's own field names, which are the forms' too).
#[derive(Debug, Default)]
pub struct FormErrors(Vec<FormError>);

#[derive(Debug)]
pub struct FormError {
    pub field: String,
    /// The id of the input the error belongs to, for the summary's link.
    pub anchor: String,
    pub message: String,
}

/// The id of the input for a field name: `spaces[0].region` becomes `spaces-0-region`.
pub fn input_id(field: &str) -> String {
    field
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '-' })
        .collect::<String>()
        .replace("--", "-")
        .trim_end_matches('-')
        .to_owned()
}

impl FormErrors {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FormError { field: field.to_owned(), anchor: input_id(field), message: message.into() });
    }

    pub fn from_fields(errors: &[FieldError]) -> Self {
        let mut all = Self::default();
        all.add_fields(errors);
        all
    }

    /// Adds the field errors of an API error.
    pub fn add_fields(&mut self, errors: &[FieldError]) {
        for error in errors {
            self.add(&error.field, error.message.clone());
        }
    }

    /// The field errors of an API error, or the error itself when it is about no field.
    pub fn from_api(error: ApiError) -> Result<Self, ApiError> {
        match error {
            ApiError::Invalid(errors) => Ok(Self::from_fields(&errors)),
            other => Err(other),
        }
    }

    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|e| e.field == field)
    }

    /// The messages for a field, together.
    pub fn get(&self, field: &str) -> Option<String> {
        let messages: Vec<&str> = self.0.iter().filter(|e| e.field == field).map(|e| e.message.as_str()).collect();
        (!messages.is_empty()).then(|| messages.join("; "))
    }

    pub fn all(&self) -> &[FormError] {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// One choice of a select.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Choice {
    pub fn new(value: impl Into<String>, label: impl Into<String>, current: &str) -> Self {
        let value = value.into();
        let selected = value == current;
        Self { value, label: label.into(), selected }
    }
}

/// The regions as choices of a select, by name, with `current` (a slug) chosen.
pub fn region_choices(state: &AppState, current: &str) -> Vec<Choice> {
    state
        .service
        .context()
        .regions
        .all()
        .iter()
        .map(|r| Choice::new(r.slug.to_string(), r.name.clone(), current))
        .collect()
}

/// One input of a form, with its value, hint and error.
#[derive(Debug)]
pub struct FormField {
    pub id: String,
    pub name: String,
    pub label: String,
    pub hint: Option<String>,
    pub value: String,
    pub numeric: bool,
    pub options: Vec<Choice>,
    pub error: Option<String>,
    pub described_by: Option<String>,
}

impl FormField {
    pub fn text(name: &str, label: &str, value: &str, errors: &FormErrors) -> Self {
        let id = input_id(name);
        let error = errors.get(name);
        let mut field = Self {
            id,
            name: name.to_owned(),
            label: label.to_owned(),
            hint: None,
            value: value.to_owned(),
            numeric: false,
            options: Vec::new(),
            error,
            described_by: None,
        };
        field.describe();
        field
    }

    pub fn hint(mut self, hint: &str) -> Self {
        self.hint = Some(hint.to_owned());
        self.describe();
        self
    }

    pub fn numeric(mut self) -> Self {
        self.numeric = true;
        self
    }

    pub fn choices(mut self, options: Vec<Choice>) -> Self {
        self.options = options;
        self
    }

    fn describe(&mut self) {
        let mut ids = Vec::new();
        if self.hint.is_some() {
            ids.push(format!("{}-hint", self.id));
        }
        if self.error.is_some() {
            ids.push(format!("{}-error", self.id));
        }
        self.described_by = (!ids.is_empty()).then(|| ids.join(" "));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_path_becomes_an_input_id() {
        assert_eq!(input_id("spaces[0].region"), "spaces-0-region");
        assert_eq!(input_id("decided_on"), "decided_on");
    }
}
