//! Least recently used first: which entries to let go so that the rest fits a limit. One
//! helper for the caches and budgets that keep the most recently used (policy records in
//! memory, stored policy records within their byte budget, the rule book's slots).

/// The keys to let go, least recently used first (ties by key), until what stays weighs at
/// most `limit` together with `reserved` (weight that is kept whatever happens, such as the
/// entry being added). `entries` are `(key, last use, weight)`. Everything goes if even
/// `reserved` alone is over the limit.
pub fn evict<K: Ord + Clone>(
    entries: impl IntoIterator<Item = (K, u64, u64)>,
    reserved: u64,
    limit: u64,
) -> Vec<K> {
    let mut by_use: Vec<(u64, K, u64)> = entries
        .into_iter()
        .map(|(key, used, weight)| (used, key, weight))
        .collect();
    // Summed wide, so that no total saturates.
    let mut total = by_use
        .iter()
        .fold(u128::from(reserved), |sum, (_, _, weight)| {
            sum + u128::from(*weight)
        });
    by_use.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let mut gone = Vec::new();
    for (_, key, weight) in by_use {
        if total <= u128::from(limit) {
            break;
        }
        total -= u128::from(weight);
        gone.push(key);
    }
    gone
}

/// The least recently used of `entries` (`(key, last use)`; ties by key), if any.
pub fn oldest<K: Ord + Clone>(entries: impl IntoIterator<Item = (K, u64)>) -> Option<(K, u64)> {
    entries
        .into_iter()
        .min_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_least_recently_used_go_first_until_the_rest_fits() {
        let entries = || vec![("a", 5, 10), ("b", 1, 10), ("c", 3, 10), ("d", 3, 10)];
        // (reserved, limit, let go)
        let cases: &[(u64, u64, &[&str])] = &[
            (0, 40, &[]),
            (0, 39, &["b"]),
            (0, 30, &["b"]),
            (0, 29, &["b", "c"]),
            (5, 30, &["b", "c"]),
            (0, 0, &["b", "c", "d", "a"]),
            (50, 40, &["b", "c", "d", "a"]),
        ];
        for (reserved, limit, want) in cases {
            assert_eq!(
                evict(entries(), *reserved, *limit),
                want.to_vec(),
                "reserved {reserved}, limit {limit}"
            );
        }
        assert!(evict(Vec::<(&str, u64, u64)>::new(), 0, 0).is_empty());
        assert_eq!(
            evict(vec![("x", 0, u64::MAX), ("y", 1, 1)], u64::MAX, 1),
            vec!["x", "y"]
        );
    }

    #[test]
    fn the_oldest_is_the_least_recently_used_then_the_first_key() {
        assert_eq!(oldest(vec![("b", 2), ("c", 1), ("a", 1)]), Some(("a", 1)));
        assert_eq!(oldest(Vec::<(&str, u64)>::new()), None);
    }
}
