//! Policy records in memory and in `storage.local`: loading a site's record, the index of stored
//! records, and keeping the stored records within their byte budget.

use super::*;

/// The site's policy record, from memory or storage. A stored record that cannot be read, or
/// is another site's, counts as none (the site's policy is looked for again on its next visit).
pub(super) async fn policy_of(site: &Site) -> Option<Rc<Loaded>> {
    if let Some(loaded) = with(|s| s.policy(site)) {
        return loaded;
    }
    let stored = storage_get(Area::Local, &keys::policy(site)).await.ok()?;
    let trust = with(|s| s.prefs.trust_site_categories);
    let loaded = if stored.is_undefined() || stored.is_null() {
        None
    } else {
        from_js::<PolicyRecord>(stored)
            .ok()
            .filter(|r| &r.site == site)
            .map(|record| Loaded::new(record, trust))
    };
    // Another event may have loaded or replaced it meanwhile; that one wins.
    with(|s| match s.policy(site) {
        Some(current) => current,
        None => {
            s.set_policy(site, loaded.clone());
            loaded
        }
    })
}

/// Reads the index of stored policy records; without one (stored by an earlier version), makes
/// it from the records themselves.
pub(super) async fn load_policy_index(stored: JsValue) -> BTreeMap<Site, IndexEntry> {
    if !stored.is_undefined() {
        let value: serde_json::Value = from_js(stored).unwrap_or(serde_json::Value::Null);
        if let Some(entries) = value.as_object() {
            return entries
                .iter()
                .filter_map(|(site, entry)| {
                    let site = Site::parse(site)?;
                    Some((site, serde_json::from_value(entry.clone()).ok()?))
                })
                .collect();
        }
    }
    let mut index = BTreeMap::new();
    for (key, value) in browser::local_items("policy:").await {
        let Some(site) = Site::of_host(&key["policy:".len()..]) else {
            continue;
        };
        let bytes = js_sys::JSON::stringify(&value)
            .ok()
            .and_then(|t| t.as_string())
            .map_or(0, |t| t.len() as u64);
        index.insert(site, IndexEntry { bytes, used: 0 });
    }
    index
}

/// Stores a site's policy record, first letting the least recently used records of other
/// sites go if the records would take more than [`state::POLICY_STORAGE_BUDGET`]: storage must
/// keep room for the choices and the rule book. A site whose record went keeps its rules; its
/// policy is fetched again on its next visit.
pub(super) async fn store_policy(site: &Site, record: &PolicyRecord) {
    if with(|s| s.local_unread) {
        return;
    }
    let bytes = serde_json::to_string(record).map_or(0, |t| t.len() as u64);
    let evict: Vec<Site> = with(|s| {
        s.policy_index.remove(site);
        let stored = s
            .policy_index
            .iter()
            .map(|(site, e)| (site.clone(), e.used, e.bytes));
        let evict = crate::lru::evict(stored, bytes, state::POLICY_STORAGE_BUDGET);
        for old in &evict {
            s.policy_index.remove(old);
        }
        evict
    });
    for old in &evict {
        let _ = browser::local_remove_key(&keys::policy(old)).await;
    }
    let Ok(value) = to_js(record) else { return };
    match storage_set(Area::Local, &keys::policy(site), &value).await {
        Ok(()) => with(|s| {
            s.policy_index
                .insert(site.clone(), IndexEntry { bytes, used: now() });
        }),
        Err(e) => gloo::console::error!("cookie-warden: the policy record was not stored", e),
    }
    persist(Record::PolicyIndex).await;
}

/// Notes that the site's stored record was used (at most once an hour per site), so the
/// records of sites in use are the last to go.
pub(super) async fn touch_policy(site: &Site) {
    let touched = with(|s| match s.policy_index.get_mut(site) {
        Some(entry) if entry.used + 3600 <= now() => {
            entry.used = now();
            true
        }
        _ => false,
    });
    if touched {
        persist(Record::PolicyIndex).await;
    }
}
