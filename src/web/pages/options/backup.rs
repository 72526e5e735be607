//! Export to and import from a settings file (the file's checks are the engine's,
//! [`crate::settings`]), and reset to the defaults.

use super::*;

/// The name the export is downloaded as.
pub(super) const EXPORT_FILE: &str = "cookie-warden-settings.json";

pub(super) fn backup_section() -> El {
    section("backup-title", &t("optionsBackupTitle", &[]))
        .child(
            El::new("p")
                .class("intro")
                .text(&t("optionsBackupIntro", &[])),
        )
        .child(
            El::new("div").class("actions").child(
                El::new("button")
                    .attr("type", "button")
                    .attr("id", "export")
                    .text(&t("optionsExport", &[]))
                    .on("click", |_| act(export())),
            ),
        )
        .child(
            El::new("div")
                .class("field")
                .child(
                    El::new("label")
                        .attr("for", "import")
                        .text(&t("optionsImportLabel", &[])),
                )
                .child(
                    El::new("input")
                        .attr("type", "file")
                        .attr("id", "import")
                        .attr("accept", "application/json,.json")
                        .attr("aria-describedby", "import-help")
                        .on("change", |event| {
                            let Some(input) = event
                                .target()
                                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
                            else {
                                return;
                            };
                            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                                return;
                            };
                            // Cleared, so choosing the same file again is a change again.
                            input.set_value("");
                            focus_after("import");
                            act(import(file));
                        }),
                )
                .child(
                    El::new("p")
                        .class("help")
                        .attr("id", "import-help")
                        .text(&t("optionsImportHelp", &[])),
                ),
        )
}

pub(super) fn export_document(preferences: Value) -> Value {
    settings::export(
        preferences,
        &String::from(js_sys::Date::new_0().to_iso_string()),
        &browser::extension_version(),
    )
}

/// Reads the preferences fresh from the background and downloads them as a JSON file.
pub(super) async fn export() {
    let answer = send_message(&Request::GetPreferences)
        .await
        .and_then(from_js::<Response>);
    let Ok(Response::Preferences { preferences, .. }) = answer else {
        set_status(&t("optionsExportFailed", &[]), Tone::Problem);
        return;
    };
    let text = serde_json::to_string_pretty(&export_document(preferences)).unwrap_or_default();
    match download(&text) {
        Ok(()) => set_status(&t("optionsExported", &[EXPORT_FILE]), Tone::Done),
        Err(_) => set_status(&t("optionsExportFailed", &[]), Tone::Problem),
    }
}

/// Offers `text` as a download named [`EXPORT_FILE`].
pub(super) fn download(text: &str) -> Result<(), JsValue> {
    let document = dom::document().ok_or_else(|| JsValue::from_str("no document"))?;
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    link.set_href(&url);
    link.set_download(EXPORT_FILE);
    link.set_hidden(true);
    let body = document
        .body()
        .ok_or_else(|| JsValue::from_str("no body"))?;
    body.append_child(&link)?;
    link.click();
    link.remove();
    // Freed once the download has surely read it.
    gloo::timers::callback::Timeout::new(60_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

/// Reads a settings file and, if it is one, replaces the preferences with it. Anything wrong
/// changes nothing and says why.
pub(super) async fn import(file: web_sys::File) {
    let name = file.name();
    if file.size() > settings::MAX_IMPORT_BYTES as f64 {
        set_status(&t("optionsImportTooLarge", &[&name]), Tone::Problem);
        return;
    }
    let text = match JsFuture::from(file.text()).await.map(|v| v.as_string()) {
        Ok(Some(text)) => text,
        _ => {
            set_status(&t("optionsImportUnreadable", &[&name]), Tone::Problem);
            return;
        }
    };
    let preferences = match settings::unwrap(&text) {
        Ok(preferences) => preferences,
        Err(refusal) => {
            let key = match refusal {
                settings::Refusal::NotJson => "optionsImportNotJson",
                settings::Refusal::NotOurs => "optionsImportNotOurs",
                settings::Refusal::Newer => "optionsImportNewer",
            };
            set_status(&t(key, &[&name]), Tone::Problem);
            return;
        }
    };
    match send_preferences(preferences).await {
        Ok(()) => {
            with_page(|p| p.query.clear());
            set_status(&t("optionsImported", &[&name]), Tone::Done);
        }
        Err(message) => set_status(
            &t("optionsImportRefused", &[&name, &message]),
            Tone::Problem,
        ),
    }
}

pub(super) fn reset_section(confirming: bool) -> El {
    let block = section("reset-title", &t("optionsResetTitle", &[]));
    if !confirming {
        return block.child(
            El::new("div").class("actions").child(
                El::new("button")
                    .attr("type", "button")
                    .attr("id", "reset-start")
                    .class("secondary")
                    .text(&t("optionsReset", &[]))
                    .on("click", |_| {
                        with_page(|p| p.confirming_reset = true);
                        focus_after("reset-cancel");
                        rerender();
                    }),
            ),
        );
    }
    block.child(
        El::new("div")
            .class("confirm")
            .attr("role", "group")
            .attr("aria-labelledby", "reset-question")
            .child(
                El::new("p")
                    .attr("id", "reset-question")
                    .text(&t("optionsResetQuestion", &[])),
            )
            .child(
                El::new("div")
                    .class("actions")
                    .child(
                        El::new("button")
                            .attr("type", "button")
                            .attr("id", "reset-confirm")
                            .class("danger")
                            .text(&t("optionsResetConfirm", &[]))
                            .on("click", |_| {
                                with_page(|p| {
                                    p.confirming_reset = false;
                                    p.query.clear();
                                });
                                focus_after("reset-start");
                                reset();
                            }),
                    )
                    .child(
                        El::new("button")
                            .attr("type", "button")
                            .attr("id", "reset-cancel")
                            .class("secondary")
                            .text(&t("optionsResetCancel", &[]))
                            .on("click", |_| {
                                with_page(|p| p.confirming_reset = false);
                                focus_after("reset-start");
                                rerender();
                            }),
                    ),
            ),
    )
}

/// Replaces the preferences with `{"version": 2}`, which loads as the defaults.
pub(super) fn reset() {
    with_page(|p| p.prefs = Some(Preferences::default()));
    act(async {
        match send_preferences(json!({ "version": PREFS_VERSION })).await {
            Ok(()) => set_status(&t("optionsResetDone", &[]), Tone::Done),
            Err(message) => set_status(&t("optionsSaveFailed", &[&message]), Tone::Problem),
        }
    });
}
