//! The command-line front end: argument parsing (clap), file and clock access, and printing.
//! Everything it shows comes from the engine's view model and diagnostics.

use clap::{Parser, Subcommand, ValueEnum};
use cookie_warden::decide::Cookie;
use cookie_warden::diag::Diagnostic;
use cookie_warden::domain::Site;
use cookie_warden::known::KnownCookies;
use cookie_warden::policy::{self, CompiledPolicy, Document, DocumentKind, PolicyError};
use cookie_warden::prefs::Preferences;
use cookie_warden::view::{site_view, PolicyState, SiteView, ViewInput};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Check, show and convert machine-readable cookie policies.
#[derive(Parser)]
#[command(name = "cookie-warden", version, about)]
struct Args {
    #[command(subcommand)]
    command: Command,
    /// Output format.
    #[arg(long, value_enum, global = true, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Check a policy; exit 0 only if it is valid (warnings allowed), 1 if not, 2 if unreadable.
    Validate {
        /// The policy file (or a TCF disclosure, or a consent platform's file).
        file: PathBuf,
        /// The site the policy is published for (checks its `site`; required for a consent
        /// platform's file, which does not say).
        #[arg(long)]
        site: Option<String>,
        /// The file's format (default: recognised from its contents).
        #[arg(long, value_parser = FORMAT_NAMES)]
        from: Option<String>,
    },
    /// Show the per-cookie table a visitor would see, with audit findings.
    Show {
        /// The policy file (or a TCF disclosure, or a consent platform's file).
        file: PathBuf,
        /// The file's format (default: recognised from its contents).
        #[arg(long, value_parser = FORMAT_NAMES)]
        from: Option<String>,
        /// A JSON array of cookies as the browser reports them (chrome.cookies.Cookie objects).
        #[arg(long)]
        observed: Option<PathBuf>,
        /// The site the policy is published for.
        #[arg(long)]
        site: Option<String>,
        /// The visitor's language for the policy's texts.
        #[arg(long, default_value = "en")]
        language: String,
        /// The time to audit at, in seconds since the Unix epoch (default: now).
        #[arg(long)]
        now: Option<u64>,
    },
    /// Convert a declaration into a version 1 policy: a TCF Vendor Device Storage Disclosure,
    /// or a consent platform's file (OneTrust's language file, Cookiebot's cc.js).
    Convert {
        /// The file.
        file: PathBuf,
        /// The site the file is published for (required for a consent platform's file; a TCF
        /// file defaults to the site of its first domain).
        #[arg(long)]
        site: Option<String>,
        /// The file's format (default: recognised from its contents).
        #[arg(long, value_parser = FORMAT_NAMES)]
        from: Option<String>,
    },
    /// Show what happens to cookies on a site without a policy: per cookie, the guess from the
    /// known-cookie table, whether it is evidence (and why not), and the verdict under the
    /// default choices. For a bug report about a cookie that was deleted.
    Guess {
        /// A JSON array of cookies as the browser reports them (chrome.cookies.Cookie objects).
        cookies: PathBuf,
        /// The site the cookies were stored for.
        #[arg(long)]
        site: String,
        /// The time to decide at, in seconds since the Unix epoch (default: now).
        #[arg(long)]
        now: Option<u64>,
    },
    /// Write the static rulesets that block the known trackers (one file per category, named
    /// by its ruleset id) from the bundled tracker table, for the extension's manifest.
    Rules {
        /// The folder to write them to (the project's is extension/rules).
        out: PathBuf,
    },
    /// Print the JSON Schema of the policy format.
    Schema,
}

/// The formats `--from` takes.
const FORMAT_NAMES: [&str; 4] = ["cookie-policy", "tcf", "onetrust", "cookiebot"];

/// Runs the tool.
pub fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("cookie-warden: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &Args) -> Result<ExitCode, String> {
    match &args.command {
        Command::Validate { file, site, from } => {
            let site = parse_site(site.as_deref())?;
            let outcome = read_policy(file, site.as_ref(), from.as_deref())?;
            print_validation(file, &outcome, args.format)
        }
        Command::Show {
            file,
            from,
            observed,
            site,
            language,
            now,
        } => {
            let site = parse_site(site.as_deref())?;
            let document = match read_policy(file, site.as_ref(), from.as_deref())? {
                Ok(document) => document,
                Err(error) => {
                    return print_validation(file, &Err(error), args.format);
                }
            };
            let cookies = match observed {
                Some(path) => read_cookies(path)?,
                None => Vec::new(),
            };
            let now = now.unwrap_or_else(unix_now);
            let view = show(file, &document, &cookies, language, now)?;
            match args.format {
                Format::Json => print_json(&view)?,
                Format::Text => print!("{}", cookie_warden::view::to_text(&view)),
            }
            Ok(if document.is_valid() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Command::Convert { file, site, from } => {
            let site = parse_site(site.as_deref())?;
            let document = read_policy(file, site.as_ref(), from.as_deref())?
                .map_err(|e| format!("{}: {e}", file.display()))?;
            for d in &document.diagnostics {
                eprintln!("{}: {d}", file.display());
            }
            if document.kind == DocumentKind::CookiePolicy {
                eprintln!(
                    "{}: already a version 1 policy; printed as read",
                    file.display()
                );
            }
            let policy = document.policy.as_ref().ok_or("nothing to convert")?;
            print_json(policy)?;
            Ok(if document.is_valid() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Command::Guess { cookies, site, now } => {
            let site = parse_site(Some(site))?.ok_or("--site is required")?;
            let cookies = read_cookies(cookies)?;
            let rows = guesses(&cookies, &site, now.unwrap_or_else(unix_now));
            match args.format {
                Format::Json => print_json(&rows)?,
                Format::Text => {
                    for row in &rows {
                        println!("{} ({}): {}", row.name, row.domain, row.verdict);
                        println!("  guess: {}", row.guess);
                        println!("  why: {}", row.why);
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Rules { out } => {
            let trackers = cookie_warden::trackers::Trackers::bundled();
            std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
            for category in cookie_warden::block::RULESET_CATEGORIES {
                let Some(id) = cookie_warden::block::ruleset_id(category) else {
                    continue;
                };
                let path = out.join(format!("{id}.json"));
                let text = cookie_warden::block::static_ruleset_text(trackers, category);
                std::fs::write(&path, &text).map_err(|e| format!("{}: {e}", path.display()))?;
                let rules = cookie_warden::block::static_rules(trackers, category).len();
                println!("{}: {rules} rules", path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Schema => {
            print_json(&policy::schema::json_schema())?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// One cookie's guess, for `guess`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GuessRow {
    name: String,
    domain: String,
    /// What the table says, and whether it is evidence.
    guess: String,
    /// Keep or delete, under the default choices.
    verdict: String,
    /// The decision's reason.
    why: String,
}

fn guesses(cookies: &[Cookie], site: &Site, now: u64) -> Vec<GuessRow> {
    use cookie_warden::decide::{decide, Context, SitePolicy, Verdict};
    use cookie_warden::known::Evidence;
    let known = KnownCookies::bundled();
    let prefs = Preferences::default();
    cookies
        .iter()
        .map(|cookie| {
            let owner = cookie.owner_site().unwrap_or_else(|| site.clone());
            let guess = match known.evidence(&cookie.name, &cookie.domain, &owner) {
                Evidence::Specific(k) => format!(
                    "{} ({}), evidence: the table names it{}",
                    k.category,
                    k.platform,
                    if k.prefix { " by its prefix" } else { "" }
                ),
                Evidence::NotEvidence { entry, why } => format!(
                    "the table lists {}{} for {} ({}), but that is no evidence: {why}",
                    entry.name,
                    if entry.prefix { "…" } else { "" },
                    entry.platform,
                    entry.category
                ),
                Evidence::Unknown => "not in the table".into(),
            };
            let ctx = Context {
                site: &owner,
                policy: SitePolicy::None,
                prefs: &prefs,
                known,
            };
            let decision = decide(cookie, &ctx, now);
            GuessRow {
                name: cookie.name.clone(),
                domain: cookie.domain.clone(),
                guess,
                verdict: match decision.verdict {
                    Verdict::Keep => "keep".into(),
                    Verdict::Delete => "delete".into(),
                },
                why: decision.reason.to_string(),
            }
        })
        .collect()
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn parse_site(site: Option<&str>) -> Result<Option<Site>, String> {
    site.map(|s| Site::parse_registrable(s).map_err(|e| format!("--site: {e}")))
        .transpose()
}

fn read_policy(
    file: &Path,
    site: Option<&Site>,
    from: Option<&str>,
) -> Result<Result<Document, PolicyError>, String> {
    let bytes = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
    Ok(match from {
        Some(name) => {
            let format = policy::Format::from_name(name)
                .ok_or_else(|| format!("--from: {name:?} is not a format this tool reads"))?;
            policy::formats::read_as(format, &bytes, site)
        }
        None => policy::parse(&bytes, site),
    })
}

fn read_cookies(file: &Path) -> Result<Vec<Cookie>, String> {
    let bytes = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| format!("{}: expected a JSON array of cookies: {e}", file.display()))
}

fn print_json(value: &impl Serialize) -> Result<(), String> {
    let text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
    println!("{text}");
    Ok(())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ValidationReport<'a> {
    file: String,
    valid: bool,
    kind: Option<DocumentKind>,
    error: Option<String>,
    diagnostics: &'a [Diagnostic],
}

fn print_validation(
    file: &Path,
    outcome: &Result<Document, PolicyError>,
    format: Format,
) -> Result<ExitCode, String> {
    let (valid, kind, error, diagnostics) = match outcome {
        Ok(document) => (
            document.is_valid(),
            Some(document.kind),
            None,
            document.diagnostics.as_slice(),
        ),
        Err(error) => (false, None, Some(error.to_string()), &[][..]),
    };
    match format {
        Format::Json => print_json(&ValidationReport {
            file: file.display().to_string(),
            valid,
            kind,
            error,
            diagnostics,
        })?,
        Format::Text => {
            if let Some(error) = &error {
                println!("{}: error: {error}", file.display());
            }
            for d in diagnostics {
                println!("{}: {d}", file.display());
            }
            let errors =
                diagnostics.iter().filter(|d| d.is_error()).count() + usize::from(error.is_some());
            let warnings = diagnostics.len() + usize::from(error.is_some()) - errors;
            let what = match kind {
                Some(DocumentKind::TcfDisclosure) => " (a TCF disclosure file, converted)",
                _ => "",
            };
            if valid {
                println!("{}: valid{what}, {warnings} warning(s)", file.display());
            } else {
                println!(
                    "{}: invalid{what}, {errors} error(s), {warnings} warning(s)",
                    file.display()
                );
            }
        }
    }
    Ok(if valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn show(
    file: &Path,
    document: &Document,
    cookies: &[Cookie],
    language: &str,
    now: u64,
) -> Result<SiteView, String> {
    let policy = document
        .policy
        .clone()
        .ok_or("the policy names no usable site")?;
    let site = policy.site.clone();
    let compiled = CompiledPolicy::corrected(policy, false);
    let url = file.display().to_string();
    let state = if document.is_valid() {
        PolicyState::Declared {
            policy: &compiled,
            url: &url,
            kind: document.kind,
            warnings: &document.diagnostics,
        }
    } else {
        PolicyState::Invalid {
            url: &url,
            diagnostics: &document.diagnostics,
        }
    };
    let prefs = Preferences::default();
    let deletions = cookie_warden::deletions::SiteDeletions::default();
    let owned: Vec<Cookie> = cookies
        .iter()
        .filter(|c| c.owner_site().as_ref() == Some(&site))
        .cloned()
        .collect();
    Ok(site_view(&ViewInput {
        site: &site,
        policy: state,
        prefs: &prefs,
        known: KnownCookies::bundled(),
        cookies: &owned,
        deletions: &deletions,
        activity: None,
        language,
        read_at: None,
        now,
    }))
}
