//! `output_file`: the plural data sources also write their images as pretty JSON to a file.
//!
//! The write is done the safe way: a new file in the same directory, renamed over the path, so a reader
//! never sees half a file, two reads racing for one path each leave a whole file, and a symbolic link at
//! the path is replaced rather than written through (its target is never touched). A named pipe or a
//! character device (`/dev/null`, a pipe another program reads) is written in place: renaming over it
//! would replace it. A directory is refused. The file system work runs on tokio's blocking pool, never
//! on the executor: a pipe nobody reads or a hung network mount blocks only that thread, so `StopProvider`
//! and `Shutdown` are still answered (the provider abandons a read that is stopped).

use std::io::Write as _;
use std::path::{Path, PathBuf};

use tokio_util::sync::CancellationToken;

use super::offload;
use crate::cty::{Type, Value};
use crate::provider::{attr_path, Diagnostic};
use crate::schema::Attribute;

/// The plural data sources' `output_file` argument.
pub(super) fn argument() -> Attribute {
    Attribute::optional("output_file", Type::String).describe(
        "Also write `images` as pretty JSON to this file (`~/` means the home directory). The file is replaced \
         as a whole (a new file renamed over the path, so a symbolic link there is replaced, not followed); a named \
         pipe or character device is written in place.",
    )
}

/// Writes `objects` (the `images` list) as pretty JSON to `path`, off the executor; gives up waiting
/// when `cancel` fires.
pub(super) async fn write(
    cancel: &CancellationToken,
    path: &str,
    objects: &[Value],
) -> Result<(), Diagnostic> {
    let json = serde_json::Value::Array(objects.iter().map(to_json).collect());
    let mut text = serde_json::to_string_pretty(&json).unwrap_or_default();
    text.push('\n');
    let target = expand_home(path);
    let shown = target.display().to_string();
    let written = offload::run(cancel, move || write_blocking(&target, text.as_bytes()))
        .await
        .ok_or_else(|| offload::stopped("writing output_file").at(attr_path(&["output_file"])))?;
    written.map_err(|e| {
        Diagnostic::error("Cannot write output_file", e.explain(&shown))
            .at(attr_path(&["output_file"]))
    })
}

/// Why a file could not be written.
#[derive(Debug)]
enum WriteError {
    Directory,
    /// A link to something that is not a regular file (`kind`), which replacing could break.
    LinkToSpecial(&'static str),
    /// Neither a regular file, a pipe nor a character device (a socket, a block device).
    Special(&'static str),
    Io(std::io::Error),
}

impl WriteError {
    fn explain(&self, path: &str) -> String {
        match self {
            WriteError::Directory => format!(
                "{path:?} is a directory. Name a file, for example {:?}.",
                Path::new(path).join("images.json").display().to_string()
            ),
            WriteError::LinkToSpecial(kind) => format!(
                "{path:?} is a symbolic link to a {kind}. output_file replaces a link with a new file instead of \
                 writing through it, and replacing this one could break what uses it. Name the {kind} itself, or \
                 another path."
            ),
            WriteError::Special(kind) => format!(
                "{path:?} is a {kind}, not a regular file. Name a regular file (or a named pipe) instead."
            ),
            WriteError::Io(e) => format!(
                "Writing the images to {path:?} failed: {e}. Check that the directory exists and is writable, or \
                 remove output_file."
            ),
        }
    }
}

impl From<std::io::Error> for WriteError {
    fn from(e: std::io::Error) -> Self {
        WriteError::Io(e)
    }
}

fn write_blocking(target: &Path, contents: &[u8]) -> Result<(), WriteError> {
    let meta = match std::fs::symlink_metadata(target) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return replace(target, contents, None)
        }
        Err(e) => return Err(e.into()),
    };
    let file_type = meta.file_type();
    if file_type.is_dir() {
        return Err(WriteError::Directory);
    }
    if file_type.is_symlink() {
        // The link itself is replaced; only a link to a special file is refused (renaming over, say,
        // `/dev/stdout` would break the system). A dangling link or one to a regular file is fine.
        if let Ok(pointed) = std::fs::metadata(target) {
            match special_kind(&pointed.file_type()) {
                Some(kind) => return Err(WriteError::LinkToSpecial(kind)),
                None if pointed.is_dir() => return Err(WriteError::LinkToSpecial("directory")),
                None => {}
            }
        }
        return replace(target, contents, None);
    }
    if let Some(kind) = special_kind(&file_type) {
        return if is_stream(&file_type) {
            write_in_place(target, contents)
        } else {
            Err(WriteError::Special(kind))
        };
    }
    replace(target, contents, Some(meta.permissions()))
}

/// A new file next to `target`, renamed over it. An existing file's permissions are kept; a new file
/// gets the usual 0666 less the umask.
fn replace(
    target: &Path,
    contents: &[u8],
    keep: Option<std::fs::Permissions>,
) -> Result<(), WriteError> {
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    if let Some(perm) = new_file_permissions(keep.as_ref()) {
        builder.permissions(perm);
    }
    let mut file = builder.tempfile_in(&dir)?;
    file.write_all(contents)?;
    file.as_file().sync_all()?;
    if let Some(perm) = keep {
        // Exactly the old mode, whatever the umask.
        file.as_file().set_permissions(perm)?;
    }
    file.persist(target).map_err(|e| WriteError::Io(e.error))?;
    Ok(())
}

fn write_in_place(target: &Path, contents: &[u8]) -> Result<(), WriteError> {
    let mut file = std::fs::OpenOptions::new().write(true).open(target)?;
    file.write_all(contents)?;
    Ok(())
}

#[cfg(unix)]
fn new_file_permissions(keep: Option<&std::fs::Permissions>) -> Option<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt as _;
    Some(
        keep.cloned()
            .unwrap_or_else(|| std::fs::Permissions::from_mode(0o666)),
    )
}

#[cfg(not(unix))]
fn new_file_permissions(keep: Option<&std::fs::Permissions>) -> Option<std::fs::Permissions> {
    keep.cloned()
}

/// What a file that is neither regular, a directory nor a link is called, if it is one.
#[cfg(unix)]
fn special_kind(t: &std::fs::FileType) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt as _;
    if t.is_fifo() {
        Some("named pipe")
    } else if t.is_char_device() {
        Some("character device")
    } else if t.is_block_device() {
        Some("block device")
    } else if t.is_socket() {
        Some("socket")
    } else {
        None
    }
}

#[cfg(not(unix))]
fn special_kind(_: &std::fs::FileType) -> Option<&'static str> {
    None
}

/// Pipes and character devices take a stream of bytes; they are written, never replaced.
#[cfg(unix)]
fn is_stream(t: &std::fs::FileType) -> bool {
    use std::os::unix::fs::FileTypeExt as _;
    t.is_fifo() || t.is_char_device()
}

#[cfg(not(unix))]
fn is_stream(_: &std::fs::FileType) -> bool {
    false
}

/// `~/…` under the home directory, as the clouds' own providers treat `output_file`; anything else as given
/// (relative paths are relative to where Terraform runs).
fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) if !home.is_empty() => Path::new(&home).join(rest),
        _ => PathBuf::from(path),
    }
}

/// A plain JSON rendering of a (wholly known) value.
fn to_json(v: &Value) -> serde_json::Value {
    match v {
        Value::Null | Value::Unknown => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::String(s) => serde_json::Value::String(s.clone()),
        Value::Number(n) => n
            .to_string()
            .parse::<serde_json::Number>()
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null),
        Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
            serde_json::Value::Array(items.iter().map(to_json).collect())
        }
        Value::Map(map) | Value::Object(map) => {
            serde_json::Value::Object(map.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
        }
        Value::Dynamic(_, inner) => to_json(inner),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt as _;

    fn write(target: &Path) -> Result<(), WriteError> {
        write_blocking(target, b"[]\n")
    }

    #[test]
    fn a_link_is_replaced_and_its_target_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("precious");
        std::fs::write(&secret, "keep me").unwrap();
        let link = dir.path().join("out.json");
        std::os::unix::fs::symlink(&secret, &link).unwrap();
        write(&link).unwrap();
        assert_eq!(std::fs::read_to_string(&secret).unwrap(), "keep me");
        assert!(!std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&link).unwrap(), "[]\n");
    }

    #[test]
    fn an_existing_file_is_replaced_whole_and_keeps_its_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        std::fs::write(&path, "x".repeat(10_000)).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        write(&path).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "[]\n");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        // Nothing else is left in the directory (the temporary file was renamed).
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn directories_and_links_to_devices_are_refused_with_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        let e = write(dir.path()).unwrap_err();
        assert!(e.explain("d").contains("is a directory"), "{e:?}");
        let link = dir.path().join("null");
        std::os::unix::fs::symlink("/dev/null", &link).unwrap();
        let e = write(&link).unwrap_err();
        assert!(
            e.explain("l")
                .contains("symbolic link to a character device"),
            "{e:?}"
        );
        // A device named directly is written in place.
        write(Path::new("/dev/null")).unwrap();
    }

    #[test]
    fn a_missing_directory_says_so() {
        let e = write(Path::new("/nonexistent-dir-for-cloudimage/out.json")).unwrap_err();
        assert!(
            e.explain("p").contains("Check that the directory exists"),
            "{e:?}"
        );
    }
}
