//! Reading data out of JavaScript without running it. Consent platforms ship their declarations
//! as scripts (Cookiebot's `cc.js` assigns arrays, OneTrust's legacy file returns an object
//! literal, CookieYes inlines its store): this module finds an assignment to a named target and
//! reads the literal on its right-hand side into a [`serde_json::Value`].
//!
//! Only literals are read: arrays, objects (quoted or bare keys, trailing commas), strings in
//! single or double quotes with every JavaScript escape, numbers, `true`/`false`/`null`/
//! `undefined`, the minified booleans `!0`/`!1`, and regular-expression literals (read as
//! `{"regex": SOURCE, "flags": FLAGS}`). Anything else (a call, an identifier, a function) is an
//! error that says where it is; nothing is ever evaluated. Depth is bounded.

use serde_json::{Map, Number, Value};
use std::fmt;

/// How deeply literals may nest.
pub const MAX_DEPTH: usize = 64;

/// Why a literal could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsError {
    /// Line (1-based) in the script.
    pub line: usize,
    /// Column (1-based, in characters) in the script.
    pub column: usize,
    /// What was expected or found.
    pub message: String,
}

impl fmt::Display for JsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

/// Finds `target = LITERAL` in `script` (the first assignment whose target is exactly `target`,
/// such as `CookieConsentDialog.cookieTableNecessary`, not inside a longer name) and reads the
/// literal. `Ok(None)` when there is no such assignment.
pub fn assigned(script: &str, target: &str) -> Result<Option<Value>, JsError> {
    let bytes = script.as_bytes();
    let mut from = 0;
    while let Some(found) = script[from..].find(target) {
        let start = from + found;
        let end = start + target.len();
        from = end;
        let before_ok = start == 0 || !is_name_byte(bytes[start - 1]);
        let after_ok = end >= bytes.len() || !is_name_byte(bytes[end]);
        if !before_ok || !after_ok {
            continue;
        }
        let mut reader = Reader::new(script, end);
        reader.skip_space();
        // `=`, but not `==`, `===` or `=>`.
        if reader.peek() != Some(b'=') || matches!(reader.peek_at(1), Some(b'=' | b'>')) {
            continue;
        }
        reader.pos += 1;
        return reader.value(0).map(Some);
    }
    Ok(None)
}

/// Reads the literal that starts at byte `offset` of `script` (spaces and comments first are
/// skipped), and returns it with the offset just past it.
pub fn literal_at(script: &str, offset: usize) -> Result<(Value, usize), JsError> {
    let mut reader = Reader::new(script, offset);
    let value = reader.value(0)?;
    Ok((value, reader.pos))
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b == b'.'
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(text: &'a str, pos: usize) -> Reader<'a> {
        Reader {
            text,
            bytes: text.as_bytes(),
            pos: pos.min(text.len()),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.pos + ahead).copied()
    }

    fn error(&self, message: impl Into<String>) -> JsError {
        let before = &self.text[..self.pos.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        JsError {
            line,
            column,
            message: message.into(),
        }
    }

    /// Skips white space and comments.
    fn skip_space(&mut self) {
        loop {
            match (self.peek(), self.peek_at(1)) {
                (Some(b), _) if b.is_ascii_whitespace() => self.pos += 1,
                (Some(b'/'), Some(b'/')) => {
                    while self.peek().is_some_and(|b| b != b'\n') {
                        self.pos += 1;
                    }
                }
                (Some(b'/'), Some(b'*')) => {
                    self.pos += 2;
                    while self.pos < self.bytes.len() && !self.text[self.pos..].starts_with("*/") {
                        self.pos += 1;
                    }
                    self.pos = (self.pos + 2).min(self.bytes.len());
                }
                _ => {
                    // Non-breaking and other Unicode spaces.
                    match self.text[self.pos..].chars().next() {
                        Some(c) if c.is_whitespace() => self.pos += c.len_utf8(),
                        _ => return,
                    }
                }
            }
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, JsError> {
        if depth > MAX_DEPTH {
            return Err(self.error(format!("nested deeper than {MAX_DEPTH} levels")));
        }
        self.skip_space();
        match self.peek() {
            Some(b'[') => self.array(depth),
            Some(b'{') => self.object(depth),
            Some(b'"' | b'\'') => self.string().map(Value::String),
            Some(b'!') => {
                // Minified booleans: !0 is true, !1 is false.
                match self.peek_at(1) {
                    Some(b'0') => {
                        self.pos += 2;
                        Ok(Value::Bool(true))
                    }
                    Some(b'1') => {
                        self.pos += 2;
                        Ok(Value::Bool(false))
                    }
                    _ => Err(self.error("expected a literal, found an expression")),
                }
            }
            Some(b'/') => self.regex(),
            Some(b'-' | b'+' | b'.' | b'0'..=b'9') => self.number(),
            Some(b) if b.is_ascii_alphabetic() || b == b'_' || b == b'$' => {
                let start = self.pos;
                let word = self.word();
                match word {
                    "true" => Ok(Value::Bool(true)),
                    "false" => Ok(Value::Bool(false)),
                    "null" | "undefined" => Ok(Value::Null),
                    _ => Err(Reader::new(self.text, start).error(format!(
                        "expected a literal, found {:?} (scripts are read, never run)",
                        word.chars().take(40).collect::<String>()
                    ))),
                }
            }
            Some(_) => Err(self.error("expected a literal")),
            None => Err(self.error("expected a literal, found the end of the script")),
        }
    }

    fn word(&mut self) -> &'a str {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$')
        {
            self.pos += 1;
        }
        &self.text[start..self.pos]
    }

    fn array(&mut self, depth: usize) -> Result<Value, JsError> {
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            self.skip_space();
            match self.peek() {
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                Some(b',') => {
                    // A hole, as in [1,,2].
                    self.pos += 1;
                    items.push(Value::Null);
                    continue;
                }
                None => return Err(self.error("an array is not closed")),
                _ => {}
            }
            items.push(self.value(depth + 1)?);
            self.skip_space();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {}
                None => return Err(self.error("an array is not closed")),
                _ => return Err(self.error("expected , or ] in an array")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, JsError> {
        self.pos += 1;
        let mut map = Map::new();
        loop {
            self.skip_space();
            let key = match self.peek() {
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Object(map));
                }
                Some(b'"' | b'\'') => self.string()?,
                Some(b'0'..=b'9') => self.number()?.to_string(),
                Some(b) if b.is_ascii_alphabetic() || b == b'_' || b == b'$' => {
                    self.word().to_owned()
                }
                None => return Err(self.error("an object is not closed")),
                Some(_) => return Err(self.error("expected a key in an object")),
            };
            self.skip_space();
            if self.peek() != Some(b':') {
                return Err(self.error(format!("expected : after the key {key:?}")));
            }
            self.pos += 1;
            let value = self.value(depth + 1)?;
            map.insert(key, value);
            self.skip_space();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {}
                None => return Err(self.error("an object is not closed")),
                _ => return Err(self.error("expected , or } in an object")),
            }
        }
    }

    fn string(&mut self) -> Result<String, JsError> {
        let quote = self.peek().unwrap_or(b'"');
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.text[self.pos..].chars().next() else {
                return Err(self.error("a string is not closed"));
            };
            self.pos += c.len_utf8();
            match c {
                '\\' => self.escape(&mut out)?,
                '\n' => return Err(self.error("a string is not closed on its line")),
                c if c as u32 == u32::from(quote) => return Ok(out),
                c => out.push(c),
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), JsError> {
        let Some(c) = self.text[self.pos..].chars().next() else {
            return Err(self.error("a string is not closed"));
        };
        self.pos += c.len_utf8();
        match c {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'v' => out.push('\u{b}'),
            '0' if !self.peek().is_some_and(|b| b.is_ascii_digit()) => out.push('\0'),
            // A line continuation.
            '\n' => {}
            '\r' => {
                if self.peek() == Some(b'\n') {
                    self.pos += 1;
                }
            }
            'x' => {
                let code = self.hex(2)?;
                out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
            }
            'u' => {
                let code = if self.peek() == Some(b'{') {
                    self.pos += 1;
                    let start = self.pos;
                    while self.peek().is_some_and(|b| b.is_ascii_hexdigit()) {
                        self.pos += 1;
                    }
                    let digits = &self.text[start..self.pos];
                    if self.peek() != Some(b'}') || digits.is_empty() || digits.len() > 6 {
                        return Err(self.error("a \\u{...} escape is not valid"));
                    }
                    self.pos += 1;
                    u32::from_str_radix(digits, 16).unwrap_or(0xFFFD)
                } else {
                    let high = self.hex(4)?;
                    // A surrogate pair is two escapes.
                    if (0xD800..0xDC00).contains(&high) && self.text[self.pos..].starts_with("\\u")
                    {
                        let save = self.pos;
                        self.pos += 2;
                        match self.hex(4) {
                            Ok(low) if (0xDC00..0xE000).contains(&low) => {
                                0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                            }
                            _ => {
                                self.pos = save;
                                0xFFFD
                            }
                        }
                    } else {
                        high
                    }
                };
                out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
            }
            // \' \" \\ \/ and any other character stand for themselves.
            other => out.push(other),
        }
        Ok(())
    }

    fn hex(&mut self, digits: usize) -> Result<u32, JsError> {
        let end = self.pos + digits;
        let text = self.text.get(self.pos..end).unwrap_or("");
        if text.len() != digits || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(self.error("a \\x or \\u escape is not valid"));
        }
        self.pos = end;
        Ok(u32::from_str_radix(text, 16).unwrap_or(0xFFFD))
    }

    fn number(&mut self) -> Result<Value, JsError> {
        let start = self.pos;
        if matches!(self.peek(), Some(b'-' | b'+')) {
            self.pos += 1;
        }
        if self.text[self.pos..].starts_with("0x") || self.text[self.pos..].starts_with("0X") {
            self.pos += 2;
            let digits_start = self.pos;
            while self.peek().is_some_and(|b| b.is_ascii_hexdigit()) {
                self.pos += 1;
            }
            let value = u64::from_str_radix(&self.text[digits_start..self.pos], 16)
                .map_err(|_| self.error("a hexadecimal number is not valid"))?;
            let negative = self.bytes[start] == b'-';
            return Ok(if negative {
                Value::Number(Number::from(-(value.min(i64::MAX as u64) as i64)))
            } else {
                Value::Number(Number::from(value))
            });
        }
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'_'))
            || (matches!(self.peek(), Some(b'-' | b'+'))
                && matches!(self.bytes.get(self.pos - 1), Some(b'e' | b'E')))
        {
            self.pos += 1;
        }
        let text: String = self.text[start..self.pos]
            .chars()
            .filter(|c| *c != '_' && *c != '+')
            .collect();
        if let Ok(n) = text.parse::<i64>() {
            return Ok(Value::Number(Number::from(n)));
        }
        text.parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| self.error(format!("{text:?} is not a number")))
    }

    fn regex(&mut self) -> Result<Value, JsError> {
        self.pos += 1;
        let start = self.pos;
        let mut in_class = false;
        loop {
            match self.peek() {
                None | Some(b'\n') => return Err(self.error("a regular expression is not closed")),
                Some(b'\\') => self.pos += 2,
                Some(b'[') => {
                    in_class = true;
                    self.pos += 1;
                }
                Some(b']') => {
                    in_class = false;
                    self.pos += 1;
                }
                Some(b'/') if !in_class => break,
                Some(_) => self.pos += 1,
            }
        }
        let source = self.text[start..self.pos.min(self.text.len())].to_owned();
        self.pos += 1;
        let flags = self.word().to_owned();
        let mut map = Map::new();
        map.insert("regex".into(), Value::String(source));
        map.insert("flags".into(), Value::String(flags));
        Ok(Value::Object(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn literals_are_read_as_javascript_writes_them() {
        let cases: &[(&str, Value)] = &[
            (r#"["a","b\'c",'d\"e']"#, json!(["a", "b'c", "d\"e"])),
            (
                r#"{a: 1, 'b': !0, "c": !1, d: null, e: undefined,}"#,
                json!({"a": 1, "b": true, "c": false, "d": null, "e": null}),
            ),
            (
                r#"["\u00e4\x41\/\\", "\u{1F36A}", "\ud83c\udf6a"]"#,
                json!(["äA/\\", "🍪", "🍪"]),
            ),
            (
                r#"[1, -2, 3.5, 1e3, 0x1F, , 7]"#,
                json!([1, -2, 3.5, 1000.0, 31, null, 7]),
            ),
            (
                r#"/* c */ [ // line
               1 ]"#,
                json!([1]),
            ),
            (
                r#"{cookies: [/^_pk_.*$/i, ["x", "/", "a.test"]]}"#,
                json!({"cookies": [{"regex": "^_pk_.*$", "flags": "i"}, ["x", "/", "a.test"]]}),
            ),
        ];
        for (text, expected) in cases {
            let (value, _) = literal_at(text, 0).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(&value, expected, "{text}");
        }
    }

    #[test]
    fn assignments_are_found_by_their_exact_target() {
        let script = "var x = 1;\nCookieConsentDialog.cookieTableNecessaryCount = 2;\nCookieConsentDialog.cookieTableNecessary = [[\"a\"]];\nif (CookieConsentDialog.cookieTableStatistics == null) {}\n";
        assert_eq!(
            assigned(script, "CookieConsentDialog.cookieTableNecessary"),
            Ok(Some(json!([["a"]])))
        );
        assert_eq!(
            assigned(script, "CookieConsentDialog.cookieTableStatistics"),
            Ok(None)
        );
        assert_eq!(assigned(script, "x"), Ok(Some(json!(1))));
    }

    #[test]
    fn code_is_an_error_that_says_where() {
        let cases = [
            (
                "[1, alert(1)]",
                "line 1, column 5: expected a literal, found \"alert\"",
            ),
            ("{a: function () {}}", "found \"function\""),
            ("[\"open", "a string is not closed"),
            ("[1, 2", "an array is not closed"),
            ("{a 1}", "expected : after the key"),
            ("`template`", "expected a literal"),
        ];
        for (text, expected) in cases {
            let err = literal_at(text, 0)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.contains(expected), "{text}: {err}");
        }
        let deep = "[".repeat(100) + &"]".repeat(100);
        assert!(literal_at(&deep, 0).is_err());
    }
}
