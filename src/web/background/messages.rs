//! Messages: the typed protocol between the extension's pages (and content scripts) and the
//! background, who may ask what, and the panel's answer.

use super::*;

/// `runtime.onMessage`: one request of the typed protocol, one response. Who sent it decides
/// what it may ask ([`Request::allowed_from`]): the extension's own pages anything, a content
/// script only to report its page's policy link.
#[wasm_bindgen(js_name = onMessage)]
pub async fn on_message(message: JsValue, sender: JsValue) -> Result<JsValue, JsValue> {
    let sender = sender_of(&sender);
    let response = match from_js::<Request>(message) {
        Ok(request) if !request.allowed_from(&sender) => Response::Error {
            message: "not allowed from this sender".into(),
        },
        Ok(request) if request.changes_choices() && !ensure_local_read().await => Response::Error {
            message: "your saved choices could not be read, so nothing was changed; try again"
                .into(),
        },
        Ok(request) => handle(request, &sender).await,
        Err(e) => Response::Error {
            message: format!("not a request: {}", e.as_string().unwrap_or_default()),
        },
    };
    to_js(&response)
}

/// Who sent a message, from what the browser says (`runtime.MessageSender`).
pub(super) fn sender_of(sender: &JsValue) -> Sender {
    let text = |v: JsValue| v.as_string();
    let id = text(get(sender, "id"));
    let origin = text(get(sender, "origin"));
    let url = text(get(sender, "url"));
    let tab_id = get(&get(sender, "tab"), "id").as_f64().map(|t| t as i32);
    let frame_id = get(sender, "frameId").as_f64().map(|f| f as i32);
    let info = SenderInfo {
        id: id.as_deref(),
        origin: origin.as_deref(),
        url: url.as_deref(),
        tab_id,
        frame_id,
    };
    Sender::classify(&info, &browser::extension_id(), &browser::extension_base())
}

pub(super) async fn handle(request: Request, sender: &Sender) -> Response {
    match request {
        Request::GetPanel {
            tab_id,
            language,
            brief,
        } => {
            let url = match with(|s| s.tabs.get(&tab_id).map(|t| t.url.clone())) {
                Some(url) => Some(url),
                None => browser::tab_url(tab_id).await,
            };
            match url.as_deref().and_then(web_site) {
                Some(site) => match panel(&site, Some(tab_id), language.as_deref()).await {
                    Response::Panel {
                        view,
                        deleted_in_tab,
                        blocked_in_tab,
                    } if brief => Response::Panel {
                        view: Box::new((*view).into_brief()),
                        deleted_in_tab,
                        blocked_in_tab,
                    },
                    other => other,
                },
                None => Response::NoSite,
            }
        }
        Request::GetSitePanel { site, language } => panel(&site, None, language.as_deref()).await,
        Request::GetSiteText { site, language } => {
            match panel(&site, None, language.as_deref()).await {
                Response::Panel { view, .. } => Response::Text {
                    text: crate::view::to_text(&view),
                },
                other => other,
            }
        }
        Request::DeleteNow { site } => {
            sweep(Some(&site)).await;
            Response::Done
        }
        Request::RefreshPolicy {
            site,
            tab_id,
            page_url,
        } => {
            // The page to look from: the tab's (the panel's refresh), else the one named, else
            // the site's front page. Only a page of this site.
            let tab_url = match tab_id {
                Some(tab) => match with(|s| s.tabs.get(&tab).map(|t| t.url.clone())) {
                    Some(url) => Some(url),
                    None => browser::tab_url(tab).await,
                },
                None => None,
            };
            let page = [tab_url, page_url]
                .into_iter()
                .flatten()
                .find(|url| web_site(url).as_ref() == Some(&site))
                .unwrap_or_else(|| format!("https://{site}/"));
            let private = match tab_id {
                Some(tab) => tab_is_private(tab, None).await,
                None => false,
            };
            // The policy in force stays in force until the new answer replaces it.
            discover(
                &site,
                &page,
                discovery::well_known_candidates(&page),
                Discovery::Refresh,
                private,
            )
            .await;
            Response::Done
        }
        Request::GetTimings => with(|s| Response::Timings {
            marks: s.timings.iter().cloned().collect(),
        }),
        Request::GetPreferences => with(|s| Response::Preferences {
            preferences: s.prefs.to_json(),
            repairs: s.repairs.clone(),
        }),
        Request::SetPreferences { preferences } => {
            let prefs = match crate::settings::accept(&preferences) {
                Ok(prefs) => prefs,
                Err(message) => return Response::Error { message },
            };
            with(|s| s.prefs = prefs);
            after_global_change().await;
            Response::Done
        }
        Request::PolicyLink { url } => {
            // The page is the one the browser says sent the message: its top-level frame.
            let Some((page_url, tab_id)) = sender.top_frame_page() else {
                return Response::Done;
            };
            let private = tab_is_private(tab_id, None).await;
            if let Some(site) = web_site(page_url) {
                if let Some(url) = discovery::resolve_url(&url, page_url) {
                    let candidate = Candidate {
                        url,
                        kind: SourceKind::LinkElement,
                    };
                    discover(&site, page_url, vec![candidate], Discovery::Visit, private).await;
                }
            }
            Response::Done
        }
        Request::PageScripts {
            scripts,
            page_language,
            visitor_language,
        } => {
            let Some((page_url, tab_id)) = sender.top_frame_page() else {
                return Response::Done;
            };
            let Some(site) = web_site(page_url) else {
                return Response::Done;
            };
            let private = tab_is_private(tab_id, None).await;
            for source in
                discovery::consent_platforms(&scripts, page_url, &page_language, &visitor_language)
            {
                discover_platform(&site, page_url, source, private).await;
            }
            Response::Done
        }
        change @ (Request::SetDefault { .. }
        | Request::SetUndeclared { .. }
        | Request::SetActWithoutPolicy { .. }
        | Request::SetGlobalPrivacyControl { .. }
        | Request::SetTrustSiteCategories { .. }
        | Request::SetAnswerBanners { .. }
        | Request::SetAcceptBanners { .. }
        | Request::SetAdpc { .. }) => {
            // Applied to the preferences as they are now, in one step: changes sent at the same
            // time from several pages all take effect.
            with(|s| change.apply_to(&mut s.prefs, now()));
            after_global_change().await;
            Response::Done
        }
        change @ (Request::SetCategory { .. }
        | Request::SetService { .. }
        | Request::SetPaused { .. }
        | Request::SetCookieChoice { .. }
        | Request::ForgetSite { .. }
        | Request::SetLeaveBanner { .. }
        | Request::SetAdpcConsent { .. }) => {
            let Some(site) = change.site() else {
                return Response::Error {
                    message: "the request names no site".into(),
                };
            };
            if !with(|s| change.apply_to(&mut s.prefs, now())) {
                return Response::Error {
                    message: if matches!(change, Request::SetAdpcConsent { .. }) {
                        "the consent was not kept: an ADPC identifier is 1 to 200 letters, digits \
                         or -_.:/, and a site keeps at most 100"
                    } else {
                        "the choice was not kept: a cookie name must be 1 to 4,096 bytes, \
                         and a site keeps at most 500 cookie choices"
                    }
                    .into(),
                };
            }
            persist(Record::Prefs).await;
            if matches!(
                change,
                Request::SetPaused { .. } | Request::ForgetSite { .. }
            ) {
                schedule_pause_end().await;
            }
            apply_rules(&site).await;
            // The ADPC header rules follow the site's marketing choice and its consents.
            super::rules::reconcile_header_rules().await;
            sweep(Some(&site)).await;
            reanswer_banners(Some(&site)).await;
            tell_adpc_pages(&site).await;
            Response::Done
        }
        Request::AnswerBanner { tab_id } => {
            with(|s| {
                if let Some(tab) = s.tabs.get_mut(&tab_id) {
                    tab.banner = None;
                }
            });
            if let Ok(message) = to_js(&serde_json::json!({"type": "reanswer"})) {
                browser::send_to_tab(tab_id, &message).await;
            }
            Response::Done
        }
        Request::BannerReady { platform, groups } => {
            let Some((site, _)) = sender_site(sender) else {
                return Response::Done;
            };
            let plan = with(|s| crate::consent::plan(&s.prefs, &site, platform, &groups));
            Response::BannerPlan { plan }
        }
        Request::BannerAuto => {
            let Some((site, tab_id)) = sender_site(sender) else {
                return Response::Done;
            };
            match with(|s| crate::consent::auto_action(&s.prefs, &site)) {
                Ok(action) => {
                    // The library is loaded into the page only now (it is the page side's,
                    // never the background's), in the content scripts' world.
                    if let Err(e) = browser::execute_file(tab_id, "autoconsent.js").await {
                        gloo::console::warn!("cookie-warden: autoconsent not loaded", e);
                        return Response::BannerAuto {
                            action: None,
                            leave: None,
                        };
                    }
                    Response::BannerAuto {
                        action: Some(action),
                        leave: None,
                    }
                }
                Err(why) => Response::BannerAuto {
                    action: None,
                    leave: Some(why),
                },
            }
        }
        Request::BannerOutcome { outcome } => {
            let Some((site, tab_id)) = sender_site(sender) else {
                return Response::Done;
            };
            let kept = with(|s| match s.tabs.get_mut(&tab_id) {
                Some(tab) if tab.site.as_ref() == Some(&site) => {
                    tab.banner = Some(outcome.bounded());
                    true
                }
                _ => false,
            });
            if kept {
                persist(Record::Tabs).await;
            }
            Response::Done
        }
        Request::AdpcRequests { requests } => {
            let Some((site, _)) = sender_site(sender) else {
                return Response::Done;
            };
            let read = crate::adpc::read_requests(&requests);
            let asked = read.requests.clone();
            if with(|s| s.adpc.remember(&site, read)) {
                persist(Record::Adpc).await;
            }
            let decisions = with(|s| {
                crate::adpc::Signal::for_site(&s.prefs, Some(&site))
                    .map(|signal| signal.decisions(&asked))
                    .unwrap_or_default()
            });
            Response::AdpcDecisions { decisions }
        }
        Request::AdpcLink { url } => {
            let Some((site, _)) = sender_site(sender) else {
                return Response::Done;
            };
            let Some((page_url, _)) = sender.top_frame_page() else {
                return Response::Done;
            };
            if let Some(url) = discovery::resolve_url(&url, page_url) {
                read_adpc_requests(&site, page_url, &url, SourceKind::LinkElement).await;
            }
            Response::Done
        }
    }
}

/// The site of the page a content script reports from (its tab's top-level frame), and the tab.
fn sender_site(sender: &Sender) -> Option<(Site, i32)> {
    let (page_url, tab_id) = sender.top_frame_page()?;
    Some((web_site(page_url)?, tab_id))
}

/// Fetches a site's ADPC consent requests from `url` (named by the page at `page_url` in a
/// `Link` header or a `<link>` element, `kind`): only a place such a page may name (its own
/// host, http(s), no IP address: [`discovery::check_candidate`]), with the same GET without
/// credentials and limits as a policy fetch.
pub(super) async fn read_adpc_requests(site: &Site, page_url: &str, url: &str, kind: SourceKind) {
    let candidate = Candidate {
        url: url.to_owned(),
        kind,
    };
    if let Err(refusal) = discovery::check_candidate(&candidate, page_url) {
        gloo::console::warn!(format!("cookie-warden: ADPC requests not asked: {refusal}"));
        return;
    }
    // Each address once per worker start (a site names the same one on every page).
    if with(|s| !s.adpc_fetching.insert(url.to_owned())) {
        return;
    }
    let fetched = super::fetch::fetch_policy(
        url,
        site,
        discovery::FETCH_TIMEOUT_MS,
        discovery::Expect::Json,
    )
    .await;
    let requests = match fetched {
        Ok(fetched) => match crate::adpc::parse_requests(&fetched.body) {
            Ok(requests) => requests,
            Err(e) => {
                gloo::console::warn!(format!("cookie-warden: ADPC requests at {url}: {e}"));
                return;
            }
        },
        Err(e) => {
            gloo::console::warn!(format!("cookie-warden: ADPC requests at {url}: {e}"));
            return;
        }
    };
    if with(|s| s.adpc.remember(site, requests)) {
        persist(Record::Adpc).await;
    }
}

/// Tells the pages of `site` that the visitor's ADPC decisions may have changed (their
/// `navigator.dataProtectionControl` asks again and fires `decisionchange`).
async fn tell_adpc_pages(site: &Site) {
    let tabs: Vec<i32> = with(|s| {
        if !s.prefs.adpc {
            return Vec::new();
        }
        s.tabs
            .iter()
            .filter(|(_, t)| t.site.as_ref() == Some(site))
            .map(|(id, _)| *id)
            .collect()
    });
    let Ok(message) = to_js(&serde_json::json!({"type": "adpcChanged"})) else {
        return;
    };
    for tab in tabs {
        browser::send_to_tab(tab, &message).await;
    }
}

/// Asks the tabs that show `site` (or any site) and whose banner answer no longer matches the
/// visitor's choices to answer again.
pub(super) async fn reanswer_banners(site: Option<&Site>) {
    let tabs: Vec<i32> = with(|s| {
        s.tabs
            .iter()
            .filter(|(_, t)| {
                t.site.as_ref().is_some_and(|ts| {
                    site.is_none_or(|w| w == ts)
                        && t.banner.as_ref().is_some_and(|o| o.is_stale(&s.prefs, ts))
                })
            })
            .map(|(id, _)| *id)
            .collect()
    });
    let Ok(message) = to_js(&serde_json::json!({"type": "reanswer"})) else {
        return;
    };
    for tab in tabs {
        browser::send_to_tab(tab, &message).await;
    }
}

/// After a change that concerns every site: stores the choices, brings the global rules and
/// every known site's rules in line, and sweeps every cookie.
pub(super) async fn after_global_change() {
    with(state::State::recompile_policies);
    persist(Record::Prefs).await;
    reconcile_rules().await;
    reanswer_banners(None).await;
    let sites: Vec<Site> = with(|s| {
        let mut sites = s.sites_in_memory();
        sites.extend(s.rule_book.sites.keys().cloned());
        sites.extend(s.session_book.sites.keys().cloned());
        sites.sort();
        sites.dedup();
        sites
    });
    for site in sites {
        apply_rules(&site).await;
    }
    sweep(None).await;
}

pub(super) async fn panel(site: &Site, tab_id: Option<i32>, language: Option<&str>) -> Response {
    // A timed pause that is over is not shown as on.
    end_pauses(false, false).await;
    let loaded = policy_of(site).await;
    let cookies: Vec<Cookie> = stored_cookies(Some(site))
        .await
        .into_iter()
        .map(|(cookie, _)| cookie)
        .collect();
    let matched = match tab_id {
        Some(tab) => browser::matched_rule_ids(tab).await,
        None => Vec::new(),
    };
    let (response, raised) = with(|s| {
        let deletions = s.deleted.of(site).cloned().unwrap_or_default();
        let problems = loaded
            .as_ref()
            .map(|l| l.record.problems())
            .unwrap_or_default();
        let state = PolicyRecord::state(
            loaded.as_ref().map(|l| &l.record),
            loaded.as_ref().and_then(|l| l.usable.as_ref()),
            &problems,
        );
        let view = site_view(&ViewInput {
            site,
            policy: state,
            prefs: &s.prefs,
            known: KnownCookies::bundled(),
            cookies: &cookies,
            deletions: &deletions,
            activity: s.activity.of(site),
            language: language.unwrap_or("en"),
            read_at: loaded.as_ref().map(|l| l.record.fetched_at),
            now: now(),
        });
        let mut view = view;
        let outcome = tab_id
            .and_then(|t| s.tabs.get(&t))
            .filter(|t| t.site.as_ref() == Some(site))
            .and_then(|t| t.banner.as_ref());
        view.banner = Some(crate::consent::BannerView::new(&s.prefs, site, outcome));
        view.adpc = Some(crate::adpc::AdpcView::new(&s.prefs, site, s.adpc.of(site)));
        let mut slot_ids = s
            .rule_book
            .sites
            .get(site)
            .map(|i| block::slot_rule_ids(i.slot))
            .unwrap_or_default();
        if let Some(info) = s.session_book.sites.get(site) {
            slot_ids.extend(
                block::slot_rule_ids(info.slot)
                    .into_iter()
                    .map(|id| id + block::SESSION_RULE_ID_OFFSET),
            );
        }
        // Blocked requests are counted from the browser's reports of them (webRequest errors,
        // in both browsers); where the browser's own count of the site's rules is higher, the
        // tab takes it, so the panel, the badge and the tab's count say the same number.
        let matched = u32::try_from(matched.iter().filter(|id| slot_ids.contains(id)).count())
            .unwrap_or(u32::MAX);
        let tab = tab_id.and_then(|t| s.tabs.get_mut(&t));
        let (deleted_in_tab, blocked_in_tab, raised) = match tab {
            Some(tab) => {
                let raised = matched.saturating_sub(tab.blocked);
                tab.blocked = tab.blocked.max(matched);
                (tab.deleted, tab.blocked, raised)
            }
            None => (0, 0, 0),
        };
        if raised > 0 {
            s.activity.count_unreported_blocks(site, raised);
        }
        let raised = raised > 0;
        (
            Response::Panel {
                view: Box::new(view),
                deleted_in_tab,
                blocked_in_tab,
            },
            raised,
        )
    });
    if let (true, Some(tab_id)) = (raised, tab_id) {
        persist(Record::Tabs).await;
        persist(Record::Badge(tab_id)).await;
    }
    response
}
