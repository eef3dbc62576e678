//! Imports of tables as they are published, and exports as legal staff and auditors take them to a spreadsheet.
//!
//! The real published tables used here are the regional pgb budgets for 2015 from art. 8.2 Regeling langdurige
//! zorg, in two versions as published (`data/published/rlz2015-pgb-stand-*.csv`). They are pgb budgets, not
//! contracting-space amounts: they stand in for a publication of the same shape (a region, a year and an amount
//! per row), and every decision made of them here says so in its id and reason.

use std::path::PathBuf;

use serde_json::Value;
use sha2::{Digest, Sha256};
use termijn_tests::{Db, PROVIDER_A, TestApp};

fn published(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../data/published").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

const PGB_2014_12_29: &str = "rlz2015-pgb-stand-2014-12-29.csv";
const PGB_2015_04_23: &str = "rlz2015-pgb-stand-2015-04-23.csv";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// `POST /api/v1/imports` with this query and file.
async fn import(app: &TestApp, token: &str, query: &str, file: Vec<u8>) -> termijn_tests::Answer {
    app.post_raw(&format!("/api/v1/imports?{query}"), Some(token), "text/csv", file).await
}

async fn events(app: &TestApp) -> Vec<Value> {
    let history = app.get("/api/v1/history?limit=1000", Some(&app.auditor)).await.json();
    history["events"].as_array().expect("events").clone()
}

const ESTABLISHMENT: &str = "decision_id=RLZ-pgb-2015-stand-2014-12-29&kind=establishment&decided_on=2014-12-29\
    &announced_on=2014-12-30&reason=Regionale%20pgb-budgetten%202015%20(geen%20contracteerruimte)\
    &source=Regeling%20langdurige%20zorg%20art.%208.2";
const AMENDMENT: &str = "decision_id=RLZ-pgb-2015-stand-2015-04-23&kind=amendment&decided_on=2015-04-23\
    &announced_on=2015-04-24&reason=Regionale%20pgb-budgetten%202015%20herzien%20(geen%20contracteerruimte)";

#[tokio::test]
async fn the_published_pgb_tables_of_2015_import_as_an_establishment_and_preview_the_amendment() {
    let app = TestApp::spawn().await;
    let before = events(&app).await.len();
    let preview =
        import(&app, &app.legal, &format!("{ESTABLISHMENT}&dry_run=true&as_of=2015-01-05"), published(PGB_2014_12_29))
            .await;
    assert_eq!(preview.status, 200, "{}", preview.text);
    let preview = preview.json();
    assert_eq!(preview["problems"], serde_json::json!([]), "{preview}");
    assert_eq!(preview["layout"], "long");
    let lines = preview["lines"].as_array().expect("lines");
    assert_eq!(lines.len(), 32, "the 32 regions of 2015");
    assert_eq!(
        lines[0],
        serde_json::json!({"row": 2, "region": "groningen", "year": 2015, "amount": "65785039.00", "current_amount": null})
    );
    assert_eq!(events(&app).await.len(), before, "a preview records nothing");

    let recorded = import(&app, &app.legal, ESTABLISHMENT, published(PGB_2014_12_29)).await;
    assert_eq!(recorded.status, 201, "{}", recorded.text);
    let recorded = recorded.json();
    assert_eq!(recorded["spaces"].as_array().map(Vec::len), Some(32));
    assert!(recorded["reason"].as_str().is_some_and(|r| r.contains("Regeling langdurige zorg art. 8.2")), "{recorded}");
    // The same file again is recorded once.
    let again = import(&app, &app.legal, ESTABLISHMENT, published(PGB_2014_12_29)).await;
    assert_eq!(again.status, 201, "{}", again.text);
    assert_eq!(again.json(), recorded);
    let decisions = events(&app).await.iter().filter(|e| e["type"] == "SpaceDecisionRecorded").count();
    assert_eq!(decisions, 1, "one decision for the file imported twice");

    // The second version: every region's amount now and after.
    let amended =
        import(&app, &app.legal, &format!("{AMENDMENT}&dry_run=true&as_of=2015-05-01"), published(PGB_2015_04_23))
            .await;
    assert_eq!(amended.status, 200, "{}", amended.text);
    let amended = amended.json();
    assert_eq!(amended["problems"], serde_json::json!([]), "{amended}");
    let groningen = &amended["lines"][0];
    assert_eq!(
        (groningen["region"].as_str(), groningen["current_amount"].as_str()),
        (Some("groningen"), Some("65785039.00"))
    );
    assert_ne!(groningen["amount"], groningen["current_amount"], "{groningen}");
    let first: std::collections::HashMap<String, String> = lines
        .iter()
        .map(|l| {
            (l["region"].as_str().unwrap_or_default().to_owned(), l["amount"].as_str().unwrap_or_default().to_owned())
        })
        .collect();
    for line in amended["lines"].as_array().expect("lines") {
        assert_eq!(
            line["current_amount"].as_str(),
            first.get(line["region"].as_str().unwrap_or_default()).map(String::as_str),
            "{line}"
        );
    }
    let space = app.get("/api/v1/contracting-spaces/groningen/2015?as_of=2015-05-01", Some(&app.legal)).await.json();
    assert_eq!(space["amount"], "65785039.00", "the amendment is not recorded by its preview");
}

/// A workbook in the wide layout, made with a spreadsheet writer: a title row, a header with the region and a
/// column per year, the regions by CBS code, iWlz code and name, amounts as numbers and as text.
fn wide_workbook(rows: &[(&str, [Option<f64>; 2])], years: [i32; 2]) -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Contracteerruimte").expect("a name");
    sheet.write_string(0, 0, "Contracteerruimte Wlz per zorgkantoorregio (x € 1)").expect("written");
    sheet.write_string(2, 0, "Zorgkantoorregio").expect("written");
    for (c, year) in years.iter().enumerate() {
        sheet.write_number(2, c as u16 + 1, f64::from(*year)).expect("written");
    }
    for (r, (region, amounts)) in rows.iter().enumerate() {
        let r = r as u32 + 3;
        sheet.write_string(r, 0, *region).expect("written");
        for (c, amount) in amounts.iter().enumerate() {
            if let Some(amount) = amount {
                sheet.write_number(r, c as u16 + 1, *amount).expect("written");
            }
        }
    }
    workbook.save_to_buffer().expect("a workbook")
}

#[tokio::test]
async fn a_wide_workbook_is_recorded_whole_and_an_amendment_leaves_out_what_it_does_not_change() {
    let app = TestApp::spawn().await;
    let year = chrono::Datelike::year(&chrono::Utc::now().date_naive()) + 1;
    let today = chrono::Utc::now().date_naive();
    let file = wide_workbook(
        &[
            ("ZK09", [Some(812_345_000.0), Some(820_000_000.5)]),
            ("5502", [Some(700_000_000.0), None]),
            ("Drenthe", [Some(1.25), Some(2.0)]),
        ],
        [year, year + 1],
    );
    let query = format!(
        "decision_id=NZa-RCS-IMP-1&kind=establishment&decided_on={today}&announced_on={today}&sheet=contracteerruimte"
    );
    let preview = app
        .post_raw(&format!("/api/v1/imports?{query}&dry_run=true"), Some(&app.legal), XLSX, file.clone())
        .await
        .json();
    assert_eq!(preview["problems"], serde_json::json!([]), "{preview}");
    assert_eq!((preview["layout"].as_str(), preview["sheet"].as_str()), (Some("wide"), Some("Contracteerruimte")));
    let found: Vec<(u64, &str, i64, &str)> = preview["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| {
            (
                l["row"].as_u64().unwrap_or(0),
                l["region"].as_str().unwrap_or(""),
                l["year"].as_i64().unwrap_or(0),
                l["amount"].as_str().unwrap_or(""),
            )
        })
        .collect();
    let (y, y1) = (i64::from(year), i64::from(year + 1));
    assert_eq!(
        found,
        vec![
            (4, "groningen", y, "812345000.00"),
            (4, "groningen", y1, "820000000.50"),
            (5, "friesland", y, "700000000.00"),
            (6, "drenthe", y, "1.25"),
            (6, "drenthe", y1, "2.00")
        ]
    );
    assert!(
        preview["terms"]
            .as_array()
            .is_some_and(|t| t.iter().any(|t| t["change"] == "term_opens" && t["basis"] == "art105_lid3")),
        "the first-of-March term it would open: {preview}"
    );
    let recorded = app.post_raw(&format!("/api/v1/imports?{query}"), Some(&app.legal), XLSX, file).await;
    assert_eq!(recorded.status, 201, "{}", recorded.text);
    let space = app.get(&format!("/api/v1/contracting-spaces/groningen/{}", year + 1), Some(&app.legal)).await.json();
    assert_eq!(space["amount"], "820000000.50");

    // An amendment with one amount as it is: that line is listed as unchanged and left out.
    let amendment = wide_workbook(&[("Groningen", [Some(812_345_000.0), Some(830_000_000.0)])], [year, year + 1]);
    let query =
        format!("decision_id=NZa-RCS-IMP-2&kind=amendment&decided_on={today}&announced_on={today}&reason=herverdeling");
    let preview =
        app.post_raw(&format!("/api/v1/imports?{query}&dry_run=true"), Some(&app.legal), XLSX, amendment).await.json();
    assert_eq!(preview["unchanged"].as_array().map(Vec::len), Some(1), "{preview}");
    assert_eq!(preview["unchanged"][0]["year"], year);
    assert_eq!(preview["lines"].as_array().map(Vec::len), Some(1), "{preview}");
    assert_eq!(preview["lines"][0]["current_amount"], "820000000.50");
}

/// An OpenDocument spreadsheet written by hand, as ODF 1.2 lays it out: the `mimetype` first and stored, the
/// manifest, then `content.xml` with one table of rows of cells (strings as text, numbers as floats).
fn ods(rows: &[&[&str]]) -> Vec<u8> {
    use std::io::Write;
    let cell = |value: &str| match value.parse::<f64>() {
        Ok(number) => format!(
            "<table:table-cell office:value-type=\"float\" office:value=\"{number}\"><text:p>{value}</text:p></table:table-cell>"
        ),
        Err(_) => format!("<table:table-cell office:value-type=\"string\"><text:p>{value}</text:p></table:table-cell>"),
    };
    let rows: String = rows
        .iter()
        .map(|r| format!("<table:table-row>{}</table:table-row>", r.iter().map(|v| cell(v)).collect::<String>()))
        .collect();
    let content = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content \
         xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
         xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\">\
         <office:body><office:spreadsheet><table:table table:name=\"Blad1\">{rows}</table:table>\
         </office:spreadsheet></office:body></office:document-content>"
    );
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).expect("a file");
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet").expect("written");
    zip.start_file("META-INF/manifest.xml", zip::write::SimpleFileOptions::default()).expect("a file");
    zip.write_all(
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><manifest:manifest \
          xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.2\">\
          <manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/>\
          <manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/></manifest:manifest>",
    )
    .expect("written");
    zip.start_file("content.xml", zip::write::SimpleFileOptions::default()).expect("a file");
    zip.write_all(content.as_bytes()).expect("written");
    zip.finish().expect("a zip").into_inner()
}

#[tokio::test]
async fn an_ods_spreadsheet_in_the_long_layout_is_read() {
    let app = TestApp::spawn().await;
    let today = chrono::Utc::now().date_naive();
    let year = (chrono::Datelike::year(&today) + 1).to_string();
    let file = ods(&[
        &["Regio", "Jaar", "Contracteerruimte"],
        &["´t Gooi", &year, "250000000.5"],
        &["Zuid Oost-Brabant", &year, "€ 1.000,00"],
    ]);
    let query = format!("decision_id=NZa-RCS-ODS-1&kind=establishment&decided_on={today}&dry_run=true");
    let preview = app
        .post_raw(
            &format!("/api/v1/imports?{query}"),
            Some(&app.legal),
            "application/vnd.oasis.opendocument.spreadsheet",
            file,
        )
        .await;
    let preview = preview.json();
    assert_eq!(preview["problems"], serde_json::json!([]), "{preview}");
    assert_eq!(preview["sheet"], "Blad1");
    let lines: Vec<(&str, &str)> = preview["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| (l["region"].as_str().unwrap_or(""), l["amount"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(lines, vec![("t-gooi", "250000000.50"), ("zuidoost-brabant", "1000.00")]);
}

#[tokio::test]
async fn every_bad_row_is_named_at_once_and_nothing_is_recorded() {
    let app = TestApp::spawn().await;
    let before = events(&app).await.len();
    let file = wide_workbook(
        &[
            ("Groningn", [Some(1.0), None]),
            ("Westland Schieland Delfland", [Some(1.0), None]),
            ("Friesland", [Some(1.0), None]),
            ("friesland", [Some(2.0), None]),
            ("Drenthe", [Some(0.1 + 0.2), None]),
        ],
        [2015, 2016],
    );
    let query = "decision_id=NZa-RCS-BAD-1&kind=establishment&decided_on=2014-12-01&announced_on=2014-12-02";
    let mut file_with_text = file.clone();
    let preview = app
        .post_raw(&format!("/api/v1/imports?{query}&dry_run=true"), Some(&app.legal), XLSX, file.clone())
        .await
        .json();
    let problems: Vec<(u64, String)> = preview["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| (p["row"].as_u64().unwrap_or(0), p["message"].as_str().unwrap_or("").to_owned()))
        .collect();
    let rows: Vec<u64> = problems.iter().map(|(row, _)| *row).collect();
    assert_eq!(rows, vec![4, 5, 7, 8], "{problems:?}");
    assert!(problems[0].1.contains("did you mean Groningen"), "{problems:?}");
    assert!(problems[1].1.contains("was not a care-office region in 2015"), "{problems:?}");
    assert!(problems[2].1.contains("row 6 already"), "{problems:?}");
    assert!(problems[3].1.contains("whole number of cents"), "{problems:?}");
    // A text amount that cannot be read, in a CSV.
    let csv = "regio;jaar;bedrag\nGroningen;2015;een miljoen\n".as_bytes().to_vec();
    let answer = import(&app, &app.legal, &format!("{query}&dry_run=true"), csv).await.json();
    assert_eq!(answer["problems"][0]["column"], "bedrag", "{answer}");
    assert!(answer["problems"][0]["message"].as_str().is_some_and(|m| m.contains("is not an amount")), "{answer}");

    let refused = app.post_raw(&format!("/api/v1/imports?{query}"), Some(&app.legal), XLSX, file).await;
    let fields = refused.bad_fields();
    assert_eq!(fields.len(), 4, "{}", refused.text);
    assert!(fields[0].starts_with("row 4"), "{fields:?}");
    assert_eq!(events(&app).await.len(), before, "nothing is recorded");
    assert_eq!(app.get("/api/v1/contracting-space-decisions/NZa-RCS-BAD-1", Some(&app.legal)).await.status, 404);
    // Fields that are missing or bad are named too, before the file is read.
    file_with_text.truncate(10);
    let bad =
        app.post_raw("/api/v1/imports?kind=later&decided_on=gisteren", Some(&app.legal), XLSX, file_with_text).await;
    assert_eq!(bad.bad_fields(), vec!["decision_id", "kind", "decided_on"]);
    let provider =
        app.post_raw(&format!("/api/v1/imports?{query}"), Some(&app.provider_a), "text/csv", b"x".to_vec()).await;
    provider.problem(403);
}

#[tokio::test]
async fn the_command_line_previews_records_once_and_says_so() {
    let db = Db::sqlite();
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../data/published").join(PGB_2014_12_29);
    let path = path.to_str().expect("a path");
    let fields = [
        "--decision-id",
        "RLZ-pgb-2015-stand-2014-12-29",
        "--kind",
        "establishment",
        "--decided-on",
        "2014-12-29",
        "--announced-on",
        "2014-12-30",
        "--source",
        "Regeling langdurige zorg art. 8.2 (pgb-budgetten, geen contracteerruimte)",
    ];
    let (code, out, err) = db.run(&[&["import", path, "--dry-run"][..], &fields].concat(), &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("row   2  Groningen 2015: 65785039.00 (now -)"), "{out}");
    assert!(out.contains("nothing is recorded (--dry-run): 32 lines would be"), "{out}");
    let (code, out, err) = db.run(&[&["import", path][..], &fields].concat(), &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("recorded decision RLZ-pgb-2015-stand-2014-12-29 with 32 lines"), "{out}");
    let (code, out, _) = db.run(&[&["import", path][..], &fields].concat(), &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("was imported before; nothing is recorded again"), "{out}");
    let bad = "regio;jaar;bedrag\nNergenshuizen;2015;1\n";
    let bad_file = tempfile::NamedTempFile::new().expect("a file");
    std::fs::write(bad_file.path(), bad).expect("written");
    let (code, out, _) = db.run(
        &[
            "import",
            bad_file.path().to_str().expect("a path"),
            "--decision-id",
            "X-1",
            "--kind",
            "establishment",
            "--decided-on",
            "2014-12-01",
        ],
        &[],
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("problem at row 2, regio: \"Nergenshuizen\" is not a known care-office region"), "{out}");
}

/// The cells of the first sheet of a workbook, read by calamine (another implementation than the writer's).
fn cells(workbook: &[u8]) -> Vec<Vec<calamine::Data>> {
    use calamine::Reader;
    let mut workbook: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(workbook)).expect("an XLSX");
    let name = workbook.sheet_names().first().cloned().expect("a sheet");
    let range = workbook.worksheet_range(&name).expect("the sheet");
    range.rows().map(<[calamine::Data]>::to_vec).collect()
}

/// The bytes legal staff download from `path`, asked for by `accept` when given.
async fn file_of(app: &TestApp, path: &str, accept: Option<&str>) -> Vec<u8> {
    let mut request = app.http.get(app.url(path)).bearer_auth(&app.legal);
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    let response = request.send().await.expect("answers");
    assert_eq!(response.status().as_u16(), 200, "{path}");
    response.bytes().await.expect("bytes").to_vec()
}

fn as_date(cell: &calamine::Data) -> Option<String> {
    match cell {
        calamine::Data::DateTime(d) => {
            let days = d.as_f64() as i64;
            Some(
                (chrono::NaiveDate::from_ymd_opt(1899, 12, 30).expect("a date") + chrono::Duration::days(days))
                    .to_string(),
            )
        }
        _ => None,
    }
}

#[tokio::test]
async fn exports_read_back_by_another_reader_hold_the_same_values_as_the_json() {
    let app = TestApp::spawn().await;
    let today = chrono::Utc::now().date_naive();
    let year = chrono::Datelike::year(&today) + 1;
    let decision = serde_json::json!({"decision_id": "NZa-RCS-EXP-1", "kind": "establishment", "decided_on": today - chrono::Duration::days(10),
        "announced_on": today - chrono::Duration::days(9), "spaces": [{"region": "groningen", "year": year, "amount": "812345000.55"},
        {"region": "friesland", "year": year, "amount": "1.00"}]});
    assert_eq!(app.post("/api/v1/contracting-space-decisions", Some(&app.legal), &decision).await.status, 201);

    // The register of the year.
    let json = app.get(&format!("/api/v1/contracting-spaces?year={year}"), Some(&app.legal)).await.json();
    let answer = app.get(&format!("/api/v1/contracting-spaces?year={year}&format=xlsx"), Some(&app.legal)).await;
    assert_eq!((answer.status, answer.content_type.as_str()), (200, XLSX));
    let rows = cells(&file_of(&app, &format!("/api/v1/contracting-spaces?year={year}"), Some(XLSX)).await);
    assert_eq!(
        rows[0].iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["Regio", "Jaar", "Contracteerruimte", "Geldend besluit", "Status", "Onherroepelijk sinds", "Plannen op"]
    );
    assert_eq!(rows.len() - 1, json.as_array().map_or(0, Vec::len));
    for (row, space) in rows[1..].iter().zip(json.as_array().expect("spaces")) {
        let amount: f64 = space["amount"].as_str().expect("an amount").parse().expect("a number");
        assert_eq!(row[2], calamine::Data::Float(amount), "the amount is a number: {row:?}");
        assert_eq!(row[1], calamine::Data::Float(f64::from(year)));
        assert_eq!(row[3].to_string(), "NZa-RCS-EXP-1");
        assert_eq!(as_date(&row[6]), space["plan_by"].as_str().map(str::to_owned), "a date is a date: {row:?}");
    }

    // The deadlines: the same terms, last days as dates.
    let range = format!("from={}&to={}", today, today + chrono::Duration::days(800));
    let json = app.get(&format!("/api/v1/deadlines?{range}"), Some(&app.legal)).await.json();
    let terms = json["terms"].as_array().expect("terms");
    assert!(!terms.is_empty(), "{json}");
    let rows = cells(&file_of(&app, &format!("/api/v1/deadlines?{range}&format=xlsx"), None).await);
    assert_eq!(rows[0][0].to_string(), "Laatste dag");
    assert_eq!(rows.len() - 1, terms.len());
    for (row, term) in rows[1..].iter().zip(terms) {
        assert_eq!(as_date(&row[0]), term["last_day"].as_str().map(str::to_owned), "{row:?}");
        assert_eq!(row[7].to_string(), term["decision_id"].as_str().unwrap_or_default());
    }
    let csv = app.get(&format!("/api/v1/deadlines?{range}&format=csv"), Some(&app.legal)).await;
    assert!(csv.content_type.starts_with("text/csv"), "{}", csv.content_type);
    let records = csv::ReaderBuilder::new().delimiter(b';').from_reader(csv.text.as_bytes()).records().count();
    assert_eq!(records, terms.len(), "{}", csv.text);

    // A region-year's terms and appeals.
    let space =
        app.get(&format!("/api/v1/contracting-spaces/groningen/{year}?format=xlsx"), Some(&app.provider_a)).await;
    assert_eq!(space.status, 200, "a provider exports what it may see");
    let bad = app.get("/api/v1/deadlines?format=pdf", Some(&app.legal)).await;
    assert_eq!(bad.bad_fields(), vec!["format"]);
    let _ = PROVIDER_A;
}

#[tokio::test]
async fn the_history_as_json_lines_checks_outside_termijn() {
    let app = TestApp::spawn().await;
    let today = chrono::Utc::now().date_naive();
    let decision = serde_json::json!({"decision_id": "NZa-RCS-JL-1", "kind": "establishment", "decided_on": today,
        "spaces": [{"region": "groningen", "year": chrono::Datelike::year(&today) + 1, "amount": "1.00"}]});
    assert_eq!(app.post("/api/v1/contracting-space-decisions", Some(&app.legal), &decision).await.status, 201);
    let answer = app.get("/api/v1/history?format=jsonl", Some(&app.auditor)).await;
    assert_eq!((answer.status, answer.content_type.as_str()), (200, "application/jsonl"));
    let mut previous = "0".repeat(64);
    let lines: Vec<Value> = answer.text.lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect();
    assert_eq!(lines.len(), events(&app).await.len());
    for (i, line) in lines.iter().enumerate() {
        assert_eq!(line["position"], i + 1);
        assert_eq!(line["previous_hash"], previous.as_str());
        let chained = line["chained"].as_str().expect("the text the hash covers");
        let hash = hex::encode(Sha256::digest(format!("{previous}\n{chained}").as_bytes()));
        assert_eq!(line["hash"], hash.as_str(), "{line}");
        let columns: Value = serde_json::from_str(chained).expect("a JSON array");
        assert_eq!(columns[0], line["position"]);
        assert_eq!(columns[9], line["recorded_by"]);
        previous = hash;
    }
    assert_eq!(lines.last().expect("a line")["type"], "SpaceDecisionRecorded");
    assert_eq!(app.get("/api/v1/history?format=jsonl", Some(&app.provider_a)).await.status, 403);
}
