//! Registry-format documentation generated from the provider's own schema: `docs/index.md` and one
//! `docs/data-sources/<name>.md` per data source (name without the `cloudimage_` prefix), with example
//! usage read from `examples/`. `terraform-provider-cloudimage docs [DIR]` writes them; a test regenerates
//! them and fails when the committed `docs/` is stale.
//!
//! This module knows schemas and files only: nothing of the plugin protocol, the clouds or Terraform runs.
//! [`render`] turns one schema into markdown; this file decides which pages exist and where.

mod render;

use std::path::{Path, PathBuf};

use crate::provider::ProviderSchema;

/// The provider's type name, the prefix of every data source's name.
pub const PROVIDER_NAME: &str = "cloudimage";

/// Errors of the docs generator.
#[derive(Debug, thiserror::Error)]
pub enum DocsError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no examples directory at {0} (run the docs command from the repository root, where examples/ is)")]
    NoExamples(PathBuf),
}

/// One generated file: its path relative to the docs directory, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub path: PathBuf,
    pub text: String,
}

/// The provider page's section on the network, which no schema description holds: the environment
/// variables that shape connections (`cloud::http::ProxySettings`, and rustls-native-certs behind
/// reqwest's certificate checks).
const NETWORK_SETTINGS: &str = "\
## Network settings

- **Proxies** come from the environment, as for curl and the clouds' own providers: `HTTPS_PROXY` (or \
`https_proxy`) for `https://` endpoints, `HTTP_PROXY` (`http_proxy`) for `http://` ones, `ALL_PROXY` \
(`all_proxy`) for either when the scheme's own is unset. `NO_PROXY` (`no_proxy`) lists what to reach \
directly: comma-separated host names (each also matching its subdomains), IP addresses, CIDR ranges, or `*`. \
A proxy is `http://host:port` (the scheme may be left out), `https://…`, `socks5://…` (names resolved \
locally) or `socks5h://…` (resolved by the proxy; SOCKS defaults to port 1080), with `user:password@` when \
it wants credentials.
- **Loopback endpoints are never proxied**: requests to `localhost`, names under `.localhost`, \
`127.0.0.0/8` or `::1` go straight there, whatever the variables say.
- **Certificates** are checked against the system's trusted authorities; `SSL_CERT_FILE` (a PEM file) or \
`SSL_CERT_DIR` (directories of them) replace that list, e.g. with a bundle holding a TLS-inspecting \
proxy's CA.
- Plain `http://` is accepted only to a loopback address, and redirects are never followed: each request \
is signed for the host it is sent to.
";

/// Where the example of a data source lives, relative to the examples directory (tfplugindocs layout).
pub fn data_source_example(name: &str) -> PathBuf {
    Path::new("data-sources").join(name).join("data-source.tf")
}

/// Where the provider's example lives, relative to the examples directory.
pub fn provider_example() -> PathBuf {
    Path::new("provider").join("provider.tf")
}

/// Every page of the docs, from the schema and the examples under `examples`.
/// A missing example leaves its section out (a separate test requires every example to exist).
pub fn pages(schema: &ProviderSchema, examples: &Path) -> Result<Vec<Page>, DocsError> {
    if !examples.is_dir() {
        return Err(DocsError::NoExamples(examples.to_path_buf()));
    }
    let example = |relative: PathBuf| -> Result<Option<String>, DocsError> {
        let path = examples.join(relative);
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(DocsError::Read { path, source }),
        }
    };
    let mut out = vec![Page {
        path: PathBuf::from("index.md"),
        text: render::provider_page(
            PROVIDER_NAME,
            &schema.provider,
            example(provider_example())?.as_deref(),
            NETWORK_SETTINGS,
            schema.data_sources.keys().map(String::as_str),
        ),
    }];
    for (name, ds) in &schema.data_sources {
        out.push(Page {
            path: Path::new("data-sources").join(format!("{}.md", short_name(name))),
            text: render::data_source_page(
                PROVIDER_NAME,
                name,
                ds,
                example(data_source_example(name))?.as_deref(),
            ),
        });
    }
    Ok(out)
}

/// `cloudimage_baidu_images` → `baidu_images`.
pub fn short_name(type_name: &str) -> &str {
    type_name
        .strip_prefix(PROVIDER_NAME)
        .and_then(|rest| rest.strip_prefix('_'))
        .unwrap_or(type_name)
}

/// Writes `pages` under `dir` and removes data-source pages that no longer have a data source.
pub fn write(dir: &Path, pages: &[Page]) -> Result<(), DocsError> {
    for page in pages {
        let path = dir.join(&page.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| DocsError::Write {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        std::fs::write(&path, &page.text).map_err(|source| DocsError::Write { path, source })?;
    }
    for extra in extra_pages(dir, pages)? {
        let path = dir.join(extra);
        std::fs::remove_file(&path).map_err(|source| DocsError::Write { path, source })?;
    }
    Ok(())
}

/// The differences between `pages` and what is under `dir`, one line each; empty when up to date.
pub fn stale(dir: &Path, pages: &[Page]) -> Result<Vec<String>, DocsError> {
    let mut out = Vec::new();
    for page in pages {
        let path = dir.join(&page.path);
        match std::fs::read_to_string(&path) {
            Ok(text) if text == page.text => {}
            Ok(_) => out.push(format!("{} differs", page.path.display())),
            Err(_) => out.push(format!("{} is missing", page.path.display())),
        }
    }
    for extra in extra_pages(dir, pages)? {
        out.push(format!("{} has no data source any more", extra.display()));
    }
    Ok(out)
}

/// Markdown files under `dir/data-sources` that `pages` does not produce.
fn extra_pages(dir: &Path, pages: &[Page]) -> Result<Vec<PathBuf>, DocsError> {
    let folder = dir.join("data-sources");
    let entries = match std::fs::read_dir(&folder) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(DocsError::Read {
                path: folder,
                source,
            })
        }
    };
    let mut extra = Vec::new();
    for entry in entries.flatten() {
        let relative = Path::new("data-sources").join(entry.file_name());
        let is_md = relative.extension().is_some_and(|e| e == "md");
        if is_md && !pages.iter().any(|p| p.path == relative) {
            extra.push(relative);
        }
    }
    extra.sort();
    Ok(extra)
}

/// The `docs [DIR]` subcommand: regenerates the docs into `dir` (default `docs`) from `examples/` in the
/// current directory. Returns a one-line summary for the terminal.
pub fn run_command(schema: &ProviderSchema, dir: Option<&str>) -> Result<String, DocsError> {
    let dir = Path::new(dir.unwrap_or("docs"));
    let pages = pages(schema, Path::new("examples"))?;
    write(dir, &pages)?;
    Ok(format!("wrote {} pages to {}", pages.len(), dir.display()))
}

#[cfg(test)]
mod tests;
