//! "Did you mean" suggestions, with the reference's exact selection (ASSEMBLY.md §7.3).

/// Candidates for `unknown directive`, in the reference's order.
pub(crate) const DIRECTIVES: &[&str] = &[
    ".end",
    ".function:",
    ".closure:",
    ".block:",
    ".iota:",
    ".mark:",
    ".name:",
    ".unused:",
    ".import:",
];

/// The reference's distance: Levenshtein distance of the two words without their last bytes
/// (a quirk the tested output depends on); an empty word is as far as the other is long.
fn distance(word: &[u8], candidate: &[u8]) -> usize {
    if word.is_empty() {
        return candidate.len();
    }
    if candidate.is_empty() {
        return word.len();
    }
    levenshtein(&word[..word.len() - 1], &candidate[..candidate.len() - 1])
}

fn levenshtein(a: &[u8], b: &[u8]) -> usize {
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, &ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// The suggestion for `word` among `candidates` (in the order given), if any.
///
/// A running best starts as (0, word); a candidate within distance 4 replaces it when the best
/// distance is 0 or the candidate is strictly closer. Shown only if the final distance is > 0.
pub fn suggest<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let mut best: (usize, Option<&'a str>) = (0, None);
    for candidate in candidates {
        let d = distance(word.as_bytes(), candidate.as_bytes());
        if d <= 4 && (best.0 == 0 || d < best.0) {
            best = (d, Some(candidate));
        }
    }
    if best.0 > 0 {
        best.1
    } else {
        None
    }
}

/// The suggestion for an unknown mnemonic.
pub(crate) fn suggest_mnemonic(word: &str) -> Option<&'static str> {
    suggest(
        word,
        viua_bytecode::Opcode::ALL.iter().map(|op| op.mnemonic()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_examples() {
        assert_eq!(suggest_mnemonic("prnt"), Some("print"));
        assert_eq!(suggest_mnemonic("frme"), Some("frame"));
        assert_eq!(suggest_mnemonic("ret"), Some("eq"));
        assert_eq!(suggest_mnemonic("a"), Some("lt"));
        assert_eq!(suggest_mnemonic("prinx"), Some("frame"));
        assert_eq!(suggest_mnemonic("halq"), None);
        assert_eq!(
            suggest(".nmae:", DIRECTIVES.iter().copied()),
            Some(".name:")
        );
    }

    #[test]
    fn register_names() {
        assert_eq!(suggest("foo", ["fox", "zzzz"]), Some("zzzz"));
        assert_eq!(suggest("foo", ["fox"]), None);
    }
}
