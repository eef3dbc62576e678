//! OpenAPI schemas of the value types: each is a string on the wire, parsed on the way in.

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};

use crate::Explanation;
use crate::values::{AgbCode, AppealId, CbsRegionCode, DecisionId, Euro, IwlzRegionCode, ObjectionId, RegionSlug};

macro_rules! string_schema {
    ($type:ty, $description:expr, $example:expr $(, pattern = $pattern:expr)?) => {
        impl PartialSchema for $type {
            fn schema() -> RefOr<Schema> {
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .description(Some($description))
                    .examples([$example])
                    $(.pattern(Some($pattern)))?
                    .into()
            }
        }

        impl ToSchema for $type {}
    };
}

string_schema!(AgbCode, "A care provider's AGB code: eight digits.", "12345678", pattern = "^[0-9]{8}$");
string_schema!(
    Euro,
    "An amount in euros, a decimal string with at most two decimals (two in responses).",
    "812345000.00",
    pattern = "^[0-9]{1,12}(\\.[0-9]{1,2})?$"
);
string_schema!(DecisionId, "The NZa's identifier of a decision: 1 to 100 characters.", "NZa-RCS-2025-11");
string_schema!(AppealId, "The court's case number of an appeal: 1 to 100 characters.", "CBb 26/0123");
string_schema!(
    ObjectionId,
    "The NZa's number of an objection to a tariff decision: 1 to 100 characters.",
    "B-2026-0042"
);
string_schema!(
    RegionSlug,
    "A care-office region by its stable lowercase slug.",
    "noord-holland-noord",
    pattern = "^[a-z0-9]+(-[a-z0-9]+)*$"
);
string_schema!(
    CbsRegionCode,
    "A care-office region's code in the CBS region classification: ZK and two digits.",
    "ZK09",
    pattern = "^ZK[0-9]{2}$"
);
string_schema!(
    IwlzRegionCode,
    "A care-office region's code in the iWlz code list COD001: four digits.",
    "5501",
    pattern = "^[0-9]{4}$"
);

impl PartialSchema for Explanation {
    fn schema() -> RefOr<Schema> {
        ArrayBuilder::new()
            .items(ObjectBuilder::new().schema_type(Type::String))
            .description(Some("Each step of the reasoning, opening with the article it rests on, in order."))
            .into()
    }
}

impl ToSchema for Explanation {}
