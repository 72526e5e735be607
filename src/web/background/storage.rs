//! Writing the state back: one writer per stored record, bursts of changes coalesced.

use super::*;

pub(super) fn badge_text(count: u32) -> String {
    match count {
        0 => String::new(),
        1..=999 => count.to_string(),
        _ => "999+".into(),
    }
}

/// Writes `record` from the state as it is now, and returns once a write that carries this
/// change has finished. Writes of one record go one at a time; a caller whose change an earlier
/// caller's write already carried does not write again, so a burst of changes costs a few
/// writes rather than one each.
pub(super) async fn persist(record: Record) {
    let change = with(|s| {
        let w = s.written.entry(record).or_default();
        w.changed += 1;
        w.changed
    });
    let _turn = state::turn(move |s| &mut s.written.entry(record).or_default().queue).await;
    let carried = with(|s| {
        let w = s.written.entry(record).or_default();
        (w.written < change).then_some(w.changed)
    });
    let Some(carried) = carried else { return };
    // The snapshot is taken in write()'s first step, before it awaits anything.
    write(record).await;
    with(|s| {
        let w = s.written.entry(record).or_default();
        w.written = w.written.max(carried);
    });
}

pub(super) async fn write(record: Record) {
    let (area, key, value) = match record {
        Record::Badge(tab_id) => {
            // This tab's deletions plus its blocked requests: what the panel's summary says.
            let count = with(|s| {
                s.tabs
                    .get(&tab_id)
                    .map_or(0, |t| t.deleted.saturating_add(t.blocked))
            });
            browser::set_badge(tab_id, &badge_text(count)).await;
            return;
        }
        Record::Prefs => (
            Area::Local,
            keys::PREFS,
            with(|s| to_js(&s.prefs.to_json())),
        ),
        Record::RuleBook => (Area::Local, keys::RULE_BOOK, with(|s| to_js(&s.rule_book))),
        Record::Stores => (Area::Local, keys::STORES, with(|s| to_js(&s.stores))),
        Record::PolicyIndex => (
            Area::Local,
            keys::POLICY_INDEX,
            with(|s| to_js(&s.policy_index)),
        ),
        Record::Tabs => (Area::Session, keys::TABS, with(|s| to_js(&s.tabs))),
        Record::SessionRuleBook => (
            Area::Session,
            keys::SESSION_RULE_BOOK,
            with(|s| to_js(&s.session_book)),
        ),
        Record::Deleted => (Area::Session, keys::DELETED, with(|s| to_js(&s.deleted))),
        Record::Activity => (Area::Session, keys::ACTIVITY, with(|s| to_js(&s.activity))),
        Record::Adpc => (Area::Session, keys::ADPC, with(|s| to_js(&s.adpc))),
    };
    let Ok(value) = value else { return };
    if matches!(area, Area::Local) && with(|s| s.local_unread) {
        // What is stored was not read: writing now would replace it with what is in memory.
        gloo::console::warn!(format!(
            "cookie-warden: {key} not stored (storage.local unread)"
        ));
        return;
    }
    if let Err(e) = storage_set(area, key, &value).await {
        gloo::console::error!(format!("cookie-warden: {key} was not stored"), e);
    }
}
