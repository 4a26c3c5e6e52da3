//! Print forms and nested forms (ISA-DATA §1.3, §2).

use super::Value;
use crate::ops::number::format_float;

fn escaped(out: &mut Vec<u8>, bytes: &[u8], quote: u8) {
    for &b in bytes {
        if b == quote {
            out.push(b'\\');
        }
        out.push(b);
    }
}

impl Value {
    /// Appends the print form (what `print` writes).
    pub fn write_print_form(&self, out: &mut Vec<u8>) {
        match self {
            Value::String(s) => out.extend_from_slice(s),
            Value::Text(t) => out.extend_from_slice(t),
            Value::Exception(e) => match &e.value {
                Some(v) => v.write_print_form(out),
                None => out.extend_from_slice(e.message.as_bytes()),
            },
            Value::Target(_) | Value::Reference(_) => match &*self.resolve() {
                Value::Target(_) | Value::Reference(_) => out.extend_from_slice(b"<cell>"),
                v => v.write_print_form(out),
            },
            v => v.write_nested_form(out),
        }
    }

    /// Appends the nested form (elements of printed containers, stack-trace arguments).
    pub fn write_nested_form(&self, out: &mut Vec<u8>) {
        match self {
            Value::Integer(i) => out.extend_from_slice(i.to_string().as_bytes()),
            Value::Float(f) => out.extend_from_slice(format_float(*f).as_bytes()),
            Value::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
            Value::String(s) => {
                out.extend_from_slice(b"b\"");
                escaped(out, s, b'"');
                out.push(b'"');
            }
            Value::Text(t) => {
                out.push(b'"');
                escaped(out, t, b'"');
                out.push(b'"');
            }
            Value::Atom(a) => write_atom(out, a),
            Value::Bits(b) => out.extend_from_slice(b.render().as_bytes()),
            Value::Vector(v) => {
                out.push(b'[');
                for (i, e) in v.iter().enumerate() {
                    if i > 0 {
                        out.extend_from_slice(b", ");
                    }
                    e.write_nested_form(out);
                }
                out.push(b']');
            }
            Value::Struct(s) => {
                out.push(b'{');
                for (i, (k, v)) in s.iter().enumerate() {
                    if i > 0 {
                        out.extend_from_slice(b", ");
                    }
                    write_atom(out, k);
                    out.extend_from_slice(b": ");
                    v.write_nested_form(out);
                }
                out.push(b'}');
            }
            Value::Pointer(_) => out.extend_from_slice(b"Pointer"),
            Value::Process(p) => out.extend_from_slice(p.text().as_bytes()),
            Value::Foreign(o) => out.extend_from_slice(&o.str_form()),
            Value::Function(f) => {
                out.extend_from_slice(b"Function: ");
                out.extend_from_slice(f.name.as_bytes());
            }
            Value::Closure(c) => {
                out.extend_from_slice(b"Closure: ");
                out.extend_from_slice(c.function.name.as_bytes());
            }
            Value::Exception(e) => {
                out.extend_from_slice(e.tag.as_bytes());
                out.extend_from_slice(b": \"");
                escaped(out, e.description().as_bytes(), b'"');
                out.push(b'"');
            }
            Value::Target(_) | Value::Reference(_) => match &*self.resolve() {
                Value::Target(_) | Value::Reference(_) => out.extend_from_slice(b"<cell>"),
                v => v.write_nested_form(out),
            },
        }
    }

    pub fn print_form(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write_print_form(&mut out);
        out
    }

    pub fn nested_form(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write_nested_form(&mut out);
        out
    }
}

fn write_atom(out: &mut Vec<u8>, bytes: &[u8]) {
    out.push(b'\'');
    escaped(out, bytes, b'\'');
    out.push(b'\'');
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn forms() {
        let v = Value::Vector(Box::new(vec![
            Value::Float(2.5),
            Value::string(b"a\"b'c\\d".to_vec()),
            Value::text(b"say \"hi\"".to_vec()),
            Value::atom(b"it's".to_vec()),
            Value::Vector(Box::default()),
            Value::Struct(Box::default()),
        ]));
        assert_eq!(
            String::from_utf8(v.print_form()).unwrap(),
            r#"[2.500000, b"a\"b'c\d", "say \"hi\"", 'it\'s', [], {}]"#
        );
        let mut s = BTreeMap::new();
        s.insert(b"b".to_vec(), Value::Integer(2));
        s.insert(b"B".to_vec(), Value::Integer(3));
        s.insert(b"a".to_vec(), Value::Integer(1));
        assert_eq!(
            Value::Struct(Box::new(s)).print_form(),
            b"{'B': 3, 'a': 1, 'b': 2}"
        );
        assert_eq!(Value::string(b"x\"".to_vec()).print_form(), b"x\"");
    }
}
