//! `secmap forward` on an enterprise network, all on 127.0.0.1: an HTTPS ingest whose
//! certificate comes from a private CA made here (trusted only with `--ca-file` or
//! `SSL_CERT_FILE`), a CONNECT proxy (`HTTPS_PROXY`, bypassed with `NO_PROXY`),
//! `DT_ENVIRONMENT_URL`, and the progress line (only on a terminal).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use serde_json::value::RawValue;

use crate::{golden_events, workspace_root};

const TOKEN: &str = "dt0c01.FAKEPUBLIC.FAKESECRET0123456789";
const EC2: &str = "testdata/samples/guardduty/aws-samples-automated-response__ec2.json";
const INGEST_PATH: &str = "/platform/ingest/v1/security.events";
const PROXY_PASSWORD: &str = "PROXYSECRET42";

/// Variables that would change where and how `secmap forward` connects: every run starts
/// without them, then sets its own.
pub(crate) const NETWORK_ENV: &[&str] = &[
    "DT_INGEST_URL",
    "DT_ENVIRONMENT_URL",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// `Command::envs_remove_network`: removes every [`NETWORK_ENV`] variable.
pub(crate) trait WithoutNetworkEnv {
    fn envs_remove_network(&mut self) -> &mut Self;
}

impl WithoutNetworkEnv for Command {
    fn envs_remove_network(&mut self) -> &mut Self {
        for name in NETWORK_ENV {
            self.env_remove(name);
        }
        self
    }
}

/// A private CA, its PEM file, and a server configuration for 127.0.0.1 signed by it.
struct Pki {
    dir: PathBuf,
    ca_pem: PathBuf,
    server: Arc<rustls::ServerConfig>,
}

impl Pki {
    fn new(name: &str) -> Pki {
        let dir = std::env::temp_dir().join(format!(
            "secmap-net-{name}-{}-{}",
            std::process::id(),
            fastrand::u32(..)
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");

        let ca_key = KeyPair::generate().expect("CA key");
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "secmap test CA");
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca = ca_params.self_signed(&ca_key).expect("CA certificate");
        let issuer = Issuer::new(ca_params, ca_key);

        let key = KeyPair::generate().expect("server key");
        let mut params = CertificateParams::new(vec!["127.0.0.1".to_owned()]).expect("params");
        params
            .distinguished_name
            .push(DnType::CommonName, "127.0.0.1");
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let cert = params.signed_by(&key, &issuer).expect("server certificate");

        let ca_pem = dir.join("ca.pem");
        std::fs::write(&ca_pem, ca.pem()).expect("CA file");
        let server = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.der().clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
        .expect("server config");
        Pki {
            dir,
            ca_pem,
            server: Arc::new(server),
        }
    }
}

impl Drop for Pki {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A listener on 127.0.0.1 serving each connection on a thread; stopped when dropped.
struct Server {
    addr: String,
    stop: Arc<AtomicBool>,
}

impl Server {
    fn start(handle: impl Fn(TcpStream) + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("address").to_string();
        let stop = Arc::new(AtomicBool::new(false));
        let handle = Arc::new(handle);
        let stopped = Arc::clone(&stop);
        thread::spawn(move || {
            for stream in listener.incoming() {
                if stopped.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(stream) = stream else { continue };
                // No test waits longer: a stuck peer ends its thread.
                let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                let handle = Arc::clone(&handle);
                thread::spawn(move || handle(stream));
            }
        });
        Server { addr, stop }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so that it sees the flag.
        let _ = TcpStream::connect(&self.addr);
    }
}

/// What the HTTPS ingest saw: per request, the path, the Authorization header and the body.
#[derive(Default)]
struct Seen {
    requests: Vec<(String, String, String)>,
}

/// The HTTPS fake ingest: answers every POST with 202 (keep-alive).
struct TlsIngest {
    server: Server,
    seen: Arc<Mutex<Seen>>,
}

impl TlsIngest {
    fn start(pki: &Pki) -> TlsIngest {
        let seen = Arc::new(Mutex::new(Seen::default()));
        let config = Arc::clone(&pki.server);
        let log = Arc::clone(&seen);
        let server = Server::start(move |tcp| {
            let Ok(conn) = rustls::ServerConnection::new(Arc::clone(&config)) else {
                return;
            };
            let mut tls = BufReader::new(rustls::StreamOwned::new(conn, tcp));
            // Ends when the client goes or the handshake fails (an untrusted certificate).
            while let Some((path, auth, body)) = read_request(&mut tls) {
                log.lock().expect("lock").requests.push((path, auth, body));
                let out = tls.get_mut();
                if out
                    .write_all(b"HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n")
                    .and_then(|()| out.flush())
                    .is_err()
                {
                    return;
                }
            }
        });
        TlsIngest { server, seen }
    }

    fn endpoint(&self) -> String {
        format!("https://{}{INGEST_PATH}", self.server.addr)
    }

    /// Every event received, as sent.
    fn events(&self) -> Vec<String> {
        let seen = self.seen.lock().expect("lock");
        seen.requests
            .iter()
            .flat_map(|(_, _, body)| {
                let events: Vec<Box<RawValue>> = serde_json::from_str(body).expect("JSON array");
                events.into_iter().map(|e| e.get().to_owned())
            })
            .collect()
    }

    fn paths(&self) -> Vec<String> {
        let seen = self.seen.lock().expect("lock");
        seen.requests.iter().map(|(p, _, _)| p.clone()).collect()
    }
}

/// One HTTP/1.1 request: path, Authorization, body; `None` at the end of the connection.
fn read_request(r: &mut impl BufRead) -> Option<(String, String, String)> {
    let mut line = String::new();
    r.read_line(&mut line).ok().filter(|&n| n > 0)?;
    let path = line.split(' ').nth(1)?.to_owned();
    let (mut length, mut auth) = (0usize, String::new());
    loop {
        let mut header = String::new();
        r.read_line(&mut header).ok().filter(|&n| n > 0)?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        if name.eq_ignore_ascii_case("content-length") {
            length = value.trim().parse().ok()?;
        } else if name.eq_ignore_ascii_case("authorization") {
            auth = value.trim().to_owned();
        }
    }
    let mut body = vec![0; length];
    r.read_exact(&mut body).ok()?;
    Some((path, auth, String::from_utf8(body).ok()?))
}

/// A CONNECT proxy that tunnels to 127.0.0.1 only, and records each CONNECT's target and
/// Proxy-Authorization header.
struct ConnectProxy {
    server: Server,
    connects: Arc<Mutex<Vec<(String, String)>>>,
}

impl ConnectProxy {
    fn start() -> ConnectProxy {
        let connects = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&connects);
        let server = Server::start(move |mut client| {
            let Some(head) = read_head(&mut client) else {
                return;
            };
            let mut lines = head.lines();
            let first = lines.next().unwrap_or_default().to_owned();
            let auth = lines
                .filter_map(|l| l.split_once(':'))
                .find(|(n, _)| n.eq_ignore_ascii_case("proxy-authorization"))
                .map(|(_, v)| v.trim().to_owned())
                .unwrap_or_default();
            let target = match first.split(' ').collect::<Vec<_>>()[..] {
                ["CONNECT", target, _] => target.to_owned(),
                _ => return,
            };
            log.lock().expect("lock").push((target.clone(), auth));
            // Never a tunnel anywhere but this machine.
            let upstream = match target.strip_prefix("127.0.0.1:") {
                Some(_) => TcpStream::connect(&target),
                None => return,
            };
            let Ok(upstream) = upstream else {
                let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n");
                return;
            };
            if client
                .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                .is_err()
            {
                return;
            }
            let (Ok(mut c2), Ok(mut u2)) = (client.try_clone(), upstream.try_clone()) else {
                return;
            };
            let up = thread::spawn(move || {
                let _ = std::io::copy(&mut c2, &mut u2);
                let _ = u2.shutdown(Shutdown::Write);
            });
            let (mut u, mut c) = (upstream, client);
            let _ = std::io::copy(&mut u, &mut c);
            let _ = c.shutdown(Shutdown::Write);
            let _ = up.join();
        });
        ConnectProxy { server, connects }
    }

    fn connects(&self) -> Vec<(String, String)> {
        self.connects.lock().expect("lock").clone()
    }
}

/// The request head, byte by byte, so that nothing after it is read from the tunnel.
fn read_head(s: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut byte = [0u8];
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() > 16 * 1024 || s.read(&mut byte).ok()? == 0 {
            return None;
        }
        head.push(byte[0]);
    }
    String::from_utf8(head).ok()
}

struct Run {
    stderr: String,
    code: i32,
}

/// `secmap forward ARGS` with DT_API_TOKEN, none of [`NETWORK_ENV`] but `env`.
fn forward(env: &[(&str, &str)], args: &[&str]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_secmap"));
    cmd.arg("forward")
        .args(args)
        .current_dir(workspace_root())
        .env("DT_API_TOKEN", TOKEN)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd.envs_remove_network();
    for (name, value) in env {
        cmd.env(name, value);
    }
    let out = cmd.output().expect("secmap runs");
    let stderr = String::from_utf8(out.stderr).expect("UTF-8");
    assert!(
        !stderr.contains("FAKESECRET"),
        "the token leaked:\n{stderr}"
    );
    assert!(
        !stderr.contains(PROXY_PASSWORD),
        "the proxy password leaked:\n{stderr}"
    );
    Run {
        stderr,
        code: out.status.code().expect("exited"),
    }
}

const FAST: &[&str] = &["--max-attempts", "1", "--request-timeout-ms", "5000"];

fn args<'a>(endpoint: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec!["--endpoint", endpoint];
    a.extend(FAST);
    a.extend(extra);
    a.push(EC2);
    a
}

const DELIVERED: &str = "secmap: total: 1 sent, 0 not delivered (1 requests, 0 retries)\n";

fn ec2_events() -> Vec<String> {
    golden_events(EC2)
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temp path")
}

#[test]
fn a_private_ca_is_trusted_only_when_given() {
    let pki = Pki::new("ca");
    let ingest = TlsIngest::start(&pki);
    let endpoint = ingest.endpoint();

    // Not in the OS store, not among Mozilla's roots: refused before any request.
    let run = forward(&[], &args(&endpoint, &[]));
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "secmap: 1 event not delivered after 1 request: gave up after 1 attempts: network error: io: invalid peer certificate: UnknownIssuer\n"
        ),
        "{}",
        run.stderr
    );
    assert!(ingest.events().is_empty());

    let ca = path_str(&pki.ca_pem);
    let run = forward(&[], &args(&endpoint, &["--ca-file", ca]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.ends_with(DELIVERED), "{}", run.stderr);
    assert_eq!(ingest.events(), ec2_events());
    let seen = ingest.seen.lock().expect("lock");
    assert_eq!(seen.requests[0].1, format!("Api-Token {TOKEN}"));
    drop(seen);

    // SSL_CERT_FILE, as OpenSSL reads it, instead of the OS store.
    let run = forward(&[("SSL_CERT_FILE", ca)], &args(&endpoint, &[]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(ingest.events().len(), 2);
}

#[test]
fn ca_files_that_give_no_certificate_are_named() {
    let pki = Pki::new("bad-ca");
    let missing = pki.dir.join("missing.pem");
    let empty = pki.dir.join("empty.pem");
    std::fs::write(&empty, "# no certificate here\n").expect("write");
    let endpoint = "https://127.0.0.1:9/platform/ingest/v1/security.events";

    let run = forward(&[], &args(endpoint, &["--ca-file", path_str(&missing)]));
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        format!(
            "secmap: --ca-file {}: cannot read the CA file: No such file or directory (os error 2)\n",
            missing.display()
        )
    );
    let run = forward(&[], &args(endpoint, &["--ca-file", path_str(&empty)]));
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        format!(
            "secmap: --ca-file {}: no certificate in the CA file (expected PEM `-----BEGIN CERTIFICATE-----` sections)\n",
            empty.display()
        )
    );
    let run = forward(&[("SSL_CERT_FILE", path_str(&empty))], &args(endpoint, &[]));
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        format!(
            "secmap: SSL_CERT_FILE: {}: no certificate in the CA file (expected PEM `-----BEGIN CERTIFICATE-----` sections)\n",
            empty.display()
        )
    );
}

#[test]
fn https_proxy_tunnels_and_no_proxy_bypasses_it() {
    let pki = Pki::new("proxy");
    let ingest = TlsIngest::start(&pki);
    let proxy = ConnectProxy::start();
    let endpoint = ingest.endpoint();
    let ca = path_str(&pki.ca_pem);
    let proxy_url = format!("http://secmap:{PROXY_PASSWORD}@{}", proxy.server.addr);

    for var in ["HTTPS_PROXY", "https_proxy"] {
        let run = forward(&[(var, &proxy_url)], &args(&endpoint, &["--ca-file", ca]));
        assert_eq!(run.code, 0, "{var}: {}", run.stderr);
        assert!(run.stderr.ends_with(DELIVERED), "{}", run.stderr);
    }
    assert_eq!(ingest.events().len(), 2);
    let connects = proxy.connects();
    assert_eq!(connects.len(), 2, "{connects:?}");
    let target = endpoint
        .strip_prefix("https://")
        .and_then(|r| r.strip_suffix(INGEST_PATH))
        .expect("host:port");
    for (to, auth) in &connects {
        assert_eq!(to, target);
        // "secmap:PROXYSECRET42", Basic.
        assert_eq!(auth, "Basic c2VjbWFwOlBST1hZU0VDUkVUNDI=");
    }

    // An http endpoint's proxy is HTTP_PROXY: HTTPS_PROXY is not used for it, nor the
    // other way round.
    let run = forward(
        &[("HTTP_PROXY", &proxy_url)],
        &args(&endpoint, &["--ca-file", ca]),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(proxy.connects().len(), 2);

    for no_proxy in ["127.0.0.1", "localhost,127.0.0.0/8"] {
        let run = forward(
            &[("HTTPS_PROXY", &proxy_url), ("NO_PROXY", no_proxy)],
            &args(&endpoint, &["--ca-file", ca]),
        );
        assert_eq!(run.code, 0, "{no_proxy}: {}", run.stderr);
        assert_eq!(proxy.connects().len(), 2, "NO_PROXY={no_proxy}");
    }
    assert_eq!(ingest.events().len(), 5);
}

#[test]
fn proxy_urls_are_shown_without_credentials() {
    let endpoint = "https://127.0.0.1:9/platform/ingest/v1/security.events";
    let run = forward(
        &[(
            "HTTPS_PROXY",
            &format!("ftp://secmap:{PROXY_PASSWORD}@proxy.example:21"),
        )],
        &args(endpoint, &[]),
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.ends_with(
            "secmap: the proxy ftp://***@proxy.example:21 is not an HTTP(S) proxy URL (http://[user:password@]host:port)\n"
        ),
        "{}",
        run.stderr
    );

    // A proxy that is not there: the failure names no password either (checked in
    // `forward`).
    let closed = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = closed.local_addr().expect("addr");
    drop(closed);
    let run = forward(
        &[(
            "HTTPS_PROXY",
            &format!("http://secmap:{PROXY_PASSWORD}@{addr}"),
        )],
        &args(endpoint, &[]),
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
}

#[test]
fn dt_environment_url_gets_the_ingest_path() {
    let pki = Pki::new("env");
    let ingest = TlsIngest::start(&pki);
    let ca = path_str(&pki.ca_pem);
    let env_url = format!("https://{}/", ingest.server.addr);
    let mut a = vec!["--ca-file", ca];
    a.extend(FAST);
    a.push(EC2);
    // A blank DT_INGEST_URL counts as unset.
    let run = forward(
        &[("DT_INGEST_URL", " "), ("DT_ENVIRONMENT_URL", &env_url)],
        &a,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(ingest.paths(), [INGEST_PATH]);

    // --endpoint (or DT_INGEST_URL) wins, as in the JavaScript hosts.
    let endpoint = format!("https://{}/custom/path", ingest.server.addr);
    let run = forward(
        &[("DT_ENVIRONMENT_URL", "https://127.0.0.1:9")],
        &args(&endpoint, &["--ca-file", ca]),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(ingest.paths(), [INGEST_PATH, "/custom/path"]);

    let run = forward(&[("DT_ENVIRONMENT_URL", "https://u:pw@x/?q")], &[EC2]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "secmap: DT_ENVIRONMENT_URL must not have a query or fragment\n"
    );
    let run = forward(&[], &[EC2]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "secmap: give --endpoint URL (or DT_INGEST_URL), or DT_ENVIRONMENT_URL (e.g. https://<env-id>.live.dynatrace.com)\n"
    );
}

#[test]
fn progress_only_on_a_terminal() {
    let pki = Pki::new("progress");
    let ingest = TlsIngest::start(&pki);
    let endpoint = ingest.endpoint();
    let ca = path_str(&pki.ca_pem);

    // A pipe: the lines alone, no carriage return or escape.
    let run = forward(&[], &args(&endpoint, &["--ca-file", ca]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        format!(
            "secmap: {}: 1 record: 1 mapped (1 event), 0 skipped, 0 rejected\n{DELIVERED}",
            "testdata/samples/guardduty/aws-samples-automated-response__ec2.json"
        )
    );

    // A terminal (util-linux `script` gives the run a pseudo-terminal): the progress line
    // is drawn, erased, and the summary follows.
    let mut cmd = Command::new("script");
    let line = format!(
        "{} forward --endpoint {endpoint} --ca-file {ca} --max-attempts 1 {EC2}",
        env!("CARGO_BIN_EXE_secmap")
    );
    cmd.args(["-qec", &line, "/dev/null"])
        .current_dir(workspace_root())
        .env("DT_API_TOKEN", TOKEN)
        .stdin(Stdio::null());
    cmd.envs_remove_network();
    let out = cmd.output().expect("script (util-linux) runs");
    let screen = String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n");
    assert!(out.status.success(), "{screen}");
    assert!(
        screen.contains("\r\x1b[2Ksecmap: 0 sent, 0 dead-lettered, 1 remaining"),
        "{screen:?}"
    );
    assert!(
        screen.ends_with(&format!("\r\x1b[2K{DELIVERED}")),
        "{screen:?}"
    );
}
