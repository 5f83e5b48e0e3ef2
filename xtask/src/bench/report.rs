//! The benchmark report: a table for people, JSON for tools and later comparison.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use serde_json::json;

use super::Measurement;

/// A plain-text table: one line per measurement, with its baseline and the ratio.
pub fn table(measurements: &[Measurement]) -> String {
    let rows: Vec<[String; 4]> = measurements
        .iter()
        .map(|measurement| {
            [
                measurement.name.clone(),
                format!("{} {}", format_number(measurement.value), measurement.unit),
                measurement
                    .baseline
                    .as_ref()
                    .map(|baseline| {
                        format!(
                            "{}: {} {}",
                            baseline.name,
                            format_number(baseline.value),
                            baseline.unit
                        )
                    })
                    .unwrap_or_default(),
                measurement
                    .ratio
                    .map(|ratio| format!("{ratio:.2}"))
                    .unwrap_or_default(),
            ]
        })
        .collect();
    let header = [
        "measurement".to_owned(),
        "result".to_owned(),
        "baseline".to_owned(),
        "ratio".to_owned(),
    ];
    let mut widths = header.clone().map(|cell| cell.chars().count());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    std::iter::once(&header)
        .chain(&rows)
        .map(|row| {
            row.iter()
                .zip(widths)
                .map(|(cell, width)| {
                    let padding = width.saturating_sub(cell.chars().count());
                    format!("{cell}{}", " ".repeat(padding))
                })
                .collect::<Vec<_>>()
                .join("  ")
                .trim_end()
                .to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Numbers as people read them: one decimal below 100, none above.
fn format_number(value: f64) -> String {
    if value.abs() < 100.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.0}")
    }
}

/// Writes `target/bench/results.json`.
pub fn write_json(path: &Path, measurements: &[Measurement], errors: &[String]) -> Result<()> {
    let unix_time = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or_default();
    let cores = std::thread::available_parallelism()
        .map(|cores| cores.get())
        .unwrap_or(1);
    let document = json!({
        "generatedBy": "cargo xtask bench",
        "unixTime": unix_time,
        "cores": cores,
        "measurements": measurements,
        "errors": errors,
    });
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, serde_json::to_string_pretty(&document)? + "\n")
        .with_context(|| format!("could not write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_shows_result_baseline_and_ratio_in_columns() {
        let baseline = Measurement::new("applications", "bare SQLite insert", 2000.0, "rows/s");
        let portal = Measurement::new(
            "applications",
            "create application, 1 client",
            500.0,
            "applications/s",
        )
        .compared_to(&baseline);
        let text = table(&[baseline, portal]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines.len(),
            3,
            "a header and one line per measurement:\n{text}"
        );
        assert!(lines[0].starts_with("measurement"), "{text}");
        assert!(lines[1].starts_with("bare SQLite insert"), "{text}");
        assert!(
            lines[2].contains("500 applications/s")
                && lines[2].contains("bare SQLite insert: 2000 rows/s")
                && lines[2].ends_with("0.25"),
            "{text}"
        );
        let result_column = lines[0].find("result").expect("result column");
        assert_eq!(
            lines[2].find("500 "),
            Some(result_column),
            "columns line up:\n{text}"
        );
    }

    #[test]
    fn ratio_is_absent_without_a_usable_baseline() {
        let zero = Measurement::new("applications", "bare", 0.0, "rows/s");
        let measured =
            Measurement::new("applications", "portal", 10.0, "applications/s").compared_to(&zero);
        assert_eq!(
            measured.ratio, None,
            "a zero baseline gives no ratio, not infinity"
        );
    }
}
