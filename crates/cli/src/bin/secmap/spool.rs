//! The files `secmap forward` keeps so that no event is lost: the spool (what is not yet
//! settled) and the dead-letter file (what will not be delivered).
//!
//! The spool holds the events of a run, one per line, written and fsync'd before the first
//! request; then one line `#settled FIRST COUNT` per batch that was delivered or written
//! to the dead-letter file (each fsync'd). Events are numbered by their line among the
//! event lines, from 0. A run that settles everything removes it; one that is killed (or
//! cannot write its dead letters) leaves it, and `--resume` sends the events it does not
//! mark as settled. A delivered batch whose mark did not reach the disk before a kill is
//! sent again on resume: at least once, never lost.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Files this command creates are readable by their owner only: events carry vendor data.
fn create_options() -> OpenOptions {
    let mut o = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o
}

/// fsync of the directory holding `path`, so that a created or renamed file survives a
/// crash. Best effort where directories cannot be opened.
fn sync_dir(path: &Path) {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// The spool of one run.
#[derive(Debug)]
pub struct Spool {
    path: PathBuf,
    file: File,
}

impl Spool {
    /// A new spool at `path` holding `events`; fails if the file exists (the spool of an
    /// interrupted run: resume it first).
    pub fn create(path: &Path, events: &[String]) -> io::Result<Spool> {
        let mut file = create_options().write(true).create_new(true).open(path)?;
        if let Err(e) = write_events(&mut file, events) {
            drop(file);
            let _ = fs::remove_file(path);
            return Err(e);
        }
        sync_dir(path);
        Ok(Spool {
            path: path.to_owned(),
            file,
        })
    }

    /// Replaces the spool at `path` by one holding `events` (atomically: a temporary file
    /// renamed over it), for `--resume`.
    pub fn replace(path: &Path, events: &[String]) -> io::Result<Spool> {
        let tmp = path.with_extension("spool-tmp");
        let mut file = create_options()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)?;
        if let Err(e) = write_events(&mut file, events) {
            let _ = fs::remove_file(&tmp);
            return Err(e);
        }
        fs::rename(&tmp, path)?;
        sync_dir(path);
        Ok(Spool {
            path: path.to_owned(),
            file,
        })
    }

    /// The events of the spool at `path` that no `#settled` line covers, in order. A last
    /// line without its newline (cut by a kill) is ignored.
    pub fn unsettled(path: &Path) -> io::Result<Vec<String>> {
        let text = fs::read(path)?;
        let mut events: Vec<Option<String>> = Vec::new();
        let mut rest = &text[..];
        while let Some(end) = rest.iter().position(|&b| b == b'\n') {
            let line = String::from_utf8_lossy(&rest[..end]);
            rest = &rest[end + 1..];
            if let Some(mark) = line.strip_prefix("#settled ") {
                let mut parts = mark.split(' ').map(str::parse::<usize>);
                if let (Some(Ok(first)), Some(Ok(count))) = (parts.next(), parts.next()) {
                    for e in events.iter_mut().skip(first).take(count) {
                        *e = None;
                    }
                }
            } else if !line.is_empty() {
                events.push(Some(line.into_owned()));
            }
        }
        Ok(events.into_iter().flatten().collect())
    }

    /// Marks `first..first + count` as settled, durably.
    pub fn settle(&mut self, first: u64, count: usize) -> io::Result<()> {
        self.file
            .write_all(format!("#settled {first} {count}\n").as_bytes())?;
        self.file.sync_data()
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Removes it: every event is settled.
    pub fn remove(self) -> io::Result<()> {
        drop(self.file);
        fs::remove_file(&self.path)?;
        sync_dir(&self.path);
        Ok(())
    }
}

fn write_events(file: &mut File, events: &[String]) -> io::Result<()> {
    let mut buf = Vec::with_capacity(events.iter().map(|e| e.len() + 1).sum());
    for e in events {
        buf.extend_from_slice(e.as_bytes());
        buf.push(b'\n');
    }
    file.write_all(&buf)?;
    file.sync_all()
}

/// The dead-letter file, appended to.
#[derive(Debug)]
pub struct DeadLetterFile {
    file: File,
}

impl DeadLetterFile {
    /// Opens (or creates, mode 0600) `path` for appending.
    pub fn open(path: &Path) -> io::Result<DeadLetterFile> {
        let file = create_options().create(true).append(true).open(path)?;
        Ok(DeadLetterFile { file })
    }

    /// Appends `events`, one per line, and fsyncs. On failure (a full disk) the file is cut
    /// back to where it was, so that it never ends in a partial line.
    pub fn append(&mut self, events: &[String]) -> io::Result<()> {
        let before = self.file.metadata().map(|m| m.len()).ok();
        let mut buf = Vec::with_capacity(events.iter().map(|e| e.len() + 1).sum());
        for e in events {
            buf.extend_from_slice(e.as_bytes());
            buf.push(b'\n');
        }
        let result = self
            .file
            .write_all(&buf)
            .and_then(|()| self.file.sync_data());
        if result.is_err()
            && let Some(len) = before
        {
            // Character devices (/dev/full) cannot be cut; regular files can.
            let _ = self.file.set_len(len);
        }
        result
    }
}

/// Rewrites `path` to hold exactly `lines` (atomically), mode 0600.
pub fn rewrite(path: &Path, lines: &[Vec<u8>]) -> io::Result<()> {
    let tmp = path.with_extension("dead-letter-tmp");
    let mut file = create_options()
        .write(true)
        .create(true)
        .truncate(true)
        .open(&tmp)?;
    let mut buf = Vec::new();
    for l in lines {
        buf.extend_from_slice(l);
        buf.push(b'\n');
    }
    file.write_all(&buf)?;
    file.sync_all()?;
    fs::rename(&tmp, path)?;
    sync_dir(path);
    Ok(())
}

/// Whether `a` and `b` are the same file (hard links and symlinks included).
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(x), Ok(y)) = (fs::metadata(a), fs::metadata(b)) {
            return x.dev() == y.dev() && x.ino() == y.ino();
        }
        false
    }
    #[cfg(not(unix))]
    {
        matches!((fs::canonicalize(a), fs::canonicalize(b)), (Ok(x), Ok(y)) if x == y)
    }
}
