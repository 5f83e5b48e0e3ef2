//! The sleeps of test code, and the shortest time each one sleeps where the code tells.

use super::code::{group_end, ident, is_ident_char, word_positions};

/// A sleep in test code: where, what was written, and the shortest it can sleep.
#[derive(Debug, Clone)]
pub struct Sleep {
    pub line: usize,
    pub argument: String,
    pub at_least_ms: Option<f64>,
}

/// Every `sleep(…)` call in `code` (test code, comments and strings blanked), with the
/// shortest time it sleeps when that can be read off the code: a literal `Duration`, a
/// `const` or `static` of one in the same file, or the lower bound of a `.clamp(…)` or
/// `.max(…)`. A sleep for a value that comes from elsewhere (a fault's delay) is listed with
/// no duration.
pub fn sleeps(code: &str) -> Vec<Sleep> {
    word_positions(code, "sleep")
        .filter_map(|at| {
            let open = at + "sleep".len();
            if !code[open..].starts_with('(') || code[..at].trim_end().ends_with("fn") {
                return None;
            }
            let close = group_end(code.as_bytes(), open);
            let argument = code[open + 1..close - 1].trim().to_owned();
            Some(Sleep {
                line: code[..at].matches('\n').count() + 1,
                at_least_ms: duration_ms(code, &argument, 0),
                argument,
            })
        })
        .collect()
}

/// The shortest duration `expression` can be, in milliseconds, where the code tells.
fn duration_ms(code: &str, expression: &str, depth: usize) -> Option<f64> {
    let expression: String = expression.split_whitespace().collect();
    let expression = expression.trim_start_matches('&');
    if depth > 4 || expression.is_empty() {
        return None;
    }
    if let Some(rest) = expression.split("Duration::from_").nth(1) {
        let unit = ident(rest);
        let factor = match unit {
            "secs" | "secs_f64" | "secs_f32" => 1000.0,
            "millis" => 1.0,
            "micros" => 0.001,
            "nanos" => 0.000_001,
            _ => return None,
        };
        let open = expression.len() - rest.len() + unit.len();
        let close = group_end(expression.as_bytes(), open);
        let inner = &expression[open + 1..close - 1];
        let value = lower_bound(inner)?;
        let multiplier = expression[close..]
            .strip_prefix('*')
            .and_then(number)
            .unwrap_or(1.0);
        return Some(value * factor * multiplier);
    }
    let name = expression.rsplit("::").next().unwrap_or(expression);
    if name.chars().all(is_ident_char) {
        for keyword in ["const", "static"] {
            for at in word_positions(code, keyword) {
                let rest = code[at + keyword.len()..].trim_start();
                if ident(rest) != name {
                    continue;
                }
                let Some(equals) = rest.find('=') else {
                    continue;
                };
                let Some(end) = rest[equals..].find(';') else {
                    continue;
                };
                return duration_ms(code, &rest[equals + 1..equals + end], depth + 1);
            }
        }
    }
    None
}

/// The least value of a number, `x.clamp(LOW, _)` or `x.max(LOW)`.
fn lower_bound(expression: &str) -> Option<f64> {
    if let Some(value) = number(expression) {
        return Some(value);
    }
    for method in [".clamp(", ".max("] {
        if let Some(at) = expression.find(method) {
            let arguments = &expression[at + method.len()..];
            return number(arguments.split([',', ')']).next()?);
        }
    }
    None
}

/// A numeric literal (`5_000`, `200u64`, `1.5`).
fn number(text: &str) -> Option<f64> {
    let digits: String = text
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '_' || *c == '.')
        .filter(|c| *c != '_')
        .collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_sleeps_and_their_constants_are_measured() {
        let code = "const POLL: Duration = Duration::from_millis(500);\n\
                    fn t() {\n\
                        std::thread::sleep(Duration::from_secs(2));\n\
                        tokio::time::sleep(POLL).await;\n\
                        thread::sleep(Duration::from_millis(5_0));\n\
                        sleep(Duration::from_secs(s.clamp(1, 120)));\n\
                        sleep(delay);\n\
                    }\n";
        let found: Vec<(usize, Option<f64>)> = sleeps(code)
            .into_iter()
            .map(|sleep| (sleep.line, sleep.at_least_ms))
            .collect();
        assert_eq!(
            found,
            vec![
                (3, Some(2000.0)),
                (4, Some(500.0)),
                (5, Some(50.0)),
                (6, Some(1000.0)),
                (7, None),
            ]
        );
    }
}
