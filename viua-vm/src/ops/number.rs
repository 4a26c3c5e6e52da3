//! Integer and float conversions, `%f` formatting and the `stoi`/`stof` parsers (ISA-DATA §2.3,
//! §4.3).

/// F2I: truncate toward zero; NaN and out-of-range values give `i64::MIN` (the x86-64
/// conversion, which Rust's saturating `as` does not reproduce).
pub fn f2i(x: f64) -> i64 {
    if x.is_nan() {
        return i64::MIN;
    }
    let t = x.trunc();
    if !(-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&t) {
        i64::MIN
    } else {
        t as i64
    }
}

/// C `printf("%f", x)` with glibc: six decimals, `inf`, `nan` / `-nan`.
pub fn format_float(x: f64) -> String {
    if x.is_nan() {
        return if x.is_sign_negative() {
            "-nan".into()
        } else {
            "nan".into()
        };
    }
    if x.is_infinite() {
        return if x < 0.0 { "-inf".into() } else { "inf".into() };
    }
    format!("{x:.6}")
}

/// Why `stoi`/`stof` rejected a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseFault {
    InvalidArgument,
    OutOfRange,
}

fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// C++ `std::stoi`: whitespace, optional sign, decimal digits; the rest is ignored; 32-bit range.
pub fn stoi(s: &[u8]) -> Result<i64, ParseFault> {
    let mut i = 0;
    while i < s.len() && is_c_space(s[i]) {
        i += 1;
    }
    let negative = match s.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let start = i;
    let mut value: i64 = 0;
    while i < s.len() && s[i].is_ascii_digit() {
        // Saturate well beyond the 32-bit range so long digit strings cannot overflow.
        value = (value * 10 + i64::from(s[i] - b'0')).min(1 << 40);
        i += 1;
    }
    if i == start {
        return Err(ParseFault::InvalidArgument);
    }
    let value = if negative { -value } else { value };
    if value < i64::from(i32::MIN) || value > i64::from(i32::MAX) {
        return Err(ParseFault::OutOfRange);
    }
    Ok(value)
}

/// C `strtod` as `std::stof`/`stod` use it: decimal, hexadecimal, `inf`, `nan`; overflow and
/// underflow (subnormal or zero from non-zero digits) are out of range.
pub fn stof(s: &[u8]) -> Result<f64, ParseFault> {
    let mut i = 0;
    while i < s.len() && is_c_space(s[i]) {
        i += 1;
    }
    let mut negative = false;
    if let Some(&c) = s.get(i) {
        if c == b'-' || c == b'+' {
            negative = c == b'-';
            i += 1;
        }
    }
    let rest = &s[i..];
    let lower: Vec<u8> = rest
        .iter()
        .take(8)
        .map(|b| b.to_ascii_lowercase())
        .collect();
    let sign = if negative { -1.0 } else { 1.0 };
    if lower.starts_with(b"inf") {
        return Ok(sign * f64::INFINITY);
    }
    if lower.starts_with(b"nan") {
        return Ok(if negative { -f64::NAN } else { f64::NAN });
    }
    let (value, nonzero_digits) = if lower.starts_with(b"0x")
        && rest
            .get(2)
            .is_some_and(|c| c.is_ascii_hexdigit() || *c == b'.')
    {
        parse_hex_float(&rest[2..]).ok_or(ParseFault::InvalidArgument)?
    } else {
        parse_decimal_float(rest).ok_or(ParseFault::InvalidArgument)?
    };
    if value.is_infinite() || (nonzero_digits && (value == 0.0 || value.is_subnormal())) {
        return Err(ParseFault::OutOfRange);
    }
    Ok(sign * value)
}

fn parse_decimal_float(s: &[u8]) -> Option<(f64, bool)> {
    let mut i = 0;
    let mut digits = 0;
    let mut nonzero = false;
    while i < s.len() && s[i].is_ascii_digit() {
        nonzero |= s[i] != b'0';
        i += 1;
        digits += 1;
    }
    if i < s.len() && s[i] == b'.' {
        i += 1;
        while i < s.len() && s[i].is_ascii_digit() {
            nonzero |= s[i] != b'0';
            i += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return None;
    }
    let mut end = i;
    if i < s.len() && (s[i] == b'e' || s[i] == b'E') {
        let mut j = i + 1;
        if j < s.len() && (s[j] == b'+' || s[j] == b'-') {
            j += 1;
        }
        if j < s.len() && s[j].is_ascii_digit() {
            while j < s.len() && s[j].is_ascii_digit() {
                j += 1;
            }
            end = j;
        }
    }
    let text = std::str::from_utf8(&s[..end]).ok()?;
    let text = if text.starts_with('.') {
        format!("0{text}")
    } else {
        text.to_string()
    };
    let text = if text.ends_with('.') {
        format!("{text}0")
    } else {
        text
    };
    let text = text.replace(".e", ".0e").replace(".E", ".0E");
    Some((text.parse::<f64>().ok()?, nonzero))
}

fn parse_hex_float(s: &[u8]) -> Option<(f64, bool)> {
    let mut i = 0;
    let mut mantissa: f64 = 0.0;
    let mut exponent: i64 = 0;
    let mut digits = 0;
    let mut nonzero = false;
    while i < s.len() && s[i].is_ascii_hexdigit() {
        let d = (s[i] as char).to_digit(16)?;
        nonzero |= d != 0;
        mantissa = mantissa * 16.0 + f64::from(d);
        i += 1;
        digits += 1;
    }
    if i < s.len() && s[i] == b'.' {
        i += 1;
        while i < s.len() && s[i].is_ascii_hexdigit() {
            let d = (s[i] as char).to_digit(16)?;
            nonzero |= d != 0;
            mantissa = mantissa * 16.0 + f64::from(d);
            exponent -= 4;
            i += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return None;
    }
    if i < s.len() && (s[i] == b'p' || s[i] == b'P') {
        let mut j = i + 1;
        let mut neg = false;
        if j < s.len() && (s[j] == b'+' || s[j] == b'-') {
            neg = s[j] == b'-';
            j += 1;
        }
        if j < s.len() && s[j].is_ascii_digit() {
            let mut e: i64 = 0;
            while j < s.len() && s[j].is_ascii_digit() {
                e = (e * 10 + i64::from(s[j] - b'0')).min(100_000);
                j += 1;
            }
            exponent += if neg { -e } else { e };
        }
    }
    let exponent = exponent.clamp(-100_000, 100_000) as i32;
    Some((mantissa * 2f64.powi(exponent), nonzero))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_like_c() {
        assert_eq!(format_float(2.25), "2.250000");
        assert_eq!(format_float(-0.0), "-0.000000");
        assert_eq!(format_float(-0.0000001), "-0.000000");
        assert_eq!(format_float(0.0078125), "0.007812");
        assert_eq!(format_float(0.0234375), "0.023438");
        assert_eq!(format_float(1e22), "10000000000000000000000.000000");
        assert_eq!(format_float(-f64::NAN.abs()), "-nan");
        assert_eq!(format_float(f64::NAN.abs()), "nan");
        assert_eq!(format_float(f64::NEG_INFINITY), "-inf");
    }

    #[test]
    fn f2i_is_x86() {
        assert_eq!(f2i(-2.7), -2);
        assert_eq!(f2i(f64::NAN), i64::MIN);
        assert_eq!(f2i(1e300), i64::MIN);
        assert_eq!(f2i(f64::NEG_INFINITY), i64::MIN);
    }

    #[test]
    fn stoi_and_stof() {
        assert_eq!(stoi(b"  42abc"), Ok(42));
        assert_eq!(stoi(b"-0x10"), Ok(0));
        assert_eq!(stoi(b"+7"), Ok(7));
        assert_eq!(stoi(b"x"), Err(ParseFault::InvalidArgument));
        assert_eq!(stoi(b"2147483648"), Err(ParseFault::OutOfRange));
        assert_eq!(stof(b"  -2.5e3x"), Ok(-2500.0));
        assert_eq!(stof(b"0x1.8p1"), Ok(3.0));
        assert_eq!(stof(b".5"), Ok(0.5));
        assert_eq!(stof(b"5."), Ok(5.0));
        assert_eq!(stof(b"1e400"), Err(ParseFault::OutOfRange));
        assert_eq!(stof(b"1e-310"), Err(ParseFault::OutOfRange));
        assert_eq!(stof(b"abc"), Err(ParseFault::InvalidArgument));
        assert!(stof(b"nan").unwrap().is_nan());
        assert_eq!(stof(b"0"), Ok(0.0));
    }
}
