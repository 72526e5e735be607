//! The About section: version, the policy format, the data's sources.

use super::*;

pub(super) fn about_section() -> El {
    // The link goes where the message puts `$1`, so translations can move it.
    const MARK: &str = "\u{E000}";
    let attribution = t("optionsKnownCookies", &[MARK]);
    let mut line = El::new("p");
    match attribution.split_once(MARK) {
        Some((before, after)) => {
            line = line
                .child(El::new("span").text(before))
                .child(
                    El::new("a")
                        .attr("href", "https://github.com/jkwakman/Open-Cookie-Database")
                        .attr("target", "_blank")
                        .attr("rel", "noopener noreferrer")
                        .text("Open Cookie Database"),
                )
                .child(El::new("span").text(after));
        }
        None => line = line.text(&attribution),
    }
    section("about-title", &t("optionsAboutTitle", &[]))
        .child(El::new("p").text(&t("optionsVersion", &[&browser::extension_version()])))
        .child(El::new("p").text(&t("optionsPolicyFormat", &[])))
        .child(line)
        .child(
            El::new("p").child(
                El::new("a")
                    .attr("href", "privacy.html")
                    .attr("target", "_blank")
                    .attr("id", "privacy-link")
                    .text(&t("optionsPrivacyPolicy", &[])),
            ),
        )
}
